#include "services/notification/notification_service.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <random>

#include "lib/bus/event_bus.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "migrations/notification.hpp"
#include "services/notification/domain/locale_format.hpp"
#include "services/notification/events.hpp"

namespace vetahut::notification {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;

std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }

core::TimePoint ParseTimeOr(const std::string& text, core::TimePoint fallback) {
  return core::ParseRfc3339(text).value_or(fallback);
}

/// One line of text: runs of white space (line breaks included) become one space, trimmed.
std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// The name a message greets: the first word of the account's name, else the mailbox's local part.
std::string GreetingName(const std::string& name, const std::string& email) {
  const std::string first = Trim(name).substr(0, Trim(name).find(' '));
  if (!first.empty()) return first;
  return email.substr(0, email.find('@'));
}

struct Words {
  std::string_view left, right, extra, light, without;
};

Words WordsFor(std::string_view language) {
  if (language == "es") return {"mitad izquierda", "mitad derecha", "extra", "poco", "sin"};
  if (language == "de") return {"linke Hälfte", "rechte Hälfte", "extra", "wenig", "ohne"};
  return {"left half", "right half", "extra", "light", "no"};
}

/// "Large, Hand-tossed: Mozzarella, extra Pepperoni (left half); no Onions" for one item.
std::string ItemDetails(const order::events::Item& item, std::string_view language,
                        bool with_name) {
  const Words w = WordsFor(language);
  std::string head;
  for (const std::string* piece :
       {with_name ? &item.name : nullptr, &item.size_name, &item.crust_name}) {
    if (piece && !piece->empty()) head += (head.empty() ? "" : ", ") + *piece;
  }
  std::string toppings;
  for (const auto& t : item.toppings) {
    std::string one;
    if (t.amount == "extra") one += std::string(w.extra) + " ";
    if (t.amount == "light") one += std::string(w.light) + " ";
    one += t.name.empty() ? t.topping_id : t.name;
    if (t.portion == "left") one += fmt::format(" ({})", w.left);
    if (t.portion == "right") one += fmt::format(" ({})", w.right);
    toppings += (toppings.empty() ? "" : ", ") + one;
  }
  for (const auto& removed : item.removed_toppings) {
    toppings += fmt::format("{}{} {}", toppings.empty() ? "" : ", ", w.without, removed);
  }
  if (!toppings.empty()) head += head.empty() ? toppings : ": " + toppings;
  return head;
}

std::string Money(const core::MoneyAmount& m, std::string_view language) {
  return FormatMoney(m.amount, m.currency, language);
}

json::value Opt(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

std::uint64_t SplitMix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("notification", 900)) all.push_back(std::move(m));
  return all;
}

bus::Consumer MakeConsumer(db::Database& db, NotificationService& service) {
  NotificationService* svc = &service;
  bus::Consumer consumer(db, "notification");
  consumer.On<order::events::OrderConfirmed>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnOrderConfirmed(tx, e, ce);
      });
  consumer.On<order::events::OrderStatusChanged>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnOrderStatusChanged(tx, e, ce);
      });
  consumer.On<order::events::OrderRejected>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnOrderRejected(tx, e, ce);
      });
  consumer.On<order::events::OrderRefunded>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnOrderRefunded(tx, e, ce);
      });
  consumer.On<kitchen::events::PromiseChanged>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent&) {
        return svc->OnPromiseChanged(tx, e);
      });
  consumer.On<kitchen::events::DeliveryStatusChanged>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent&) {
        return svc->OnDeliveryStatusChanged(tx, e);
      });
  consumer.On<kitchen::events::LowStock>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnLowStock(tx, e, ce);
      });
  consumer.On<customer::events::EmailVerificationRequested>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnEmailVerification(tx, e, ce);
      });
  consumer.On<customer::events::PasswordResetRequested>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent& ce) {
        return svc->OnPasswordReset(tx, e, ce);
      });
  consumer.On<customer::events::CustomerDeleted>(
      [svc](db::Transaction& tx, const auto& e, const bus::CloudEvent&) {
        return svc->OnCustomerDeleted(tx, e);
      });
  return consumer;
}

/// The in-app channel: the message becomes an item of the person's list (its id is the
/// delivery's, so sending twice adds it once).
class InAppChannel final : public ChannelAdapter {
 public:
  InAppChannel(db::Database& db, const NotificationRepository& repository)
      : db_(db), repository_(repository) {}
  std::string_view kind() const override { return "in_app"; }
  core::Result<Receipt> Send(const OutgoingMessage& m) override {
    repository_.InsertInbox(
        db_, {m.delivery_id, m.address, m.notification, m.subject, m.text, m.store_id, m.order_id,
              core::FormatRfc3339(m.created_at), std::nullopt});
    return Receipt{m.delivery_id};
  }

 private:
  db::Database& db_;
  const NotificationRepository& repository_;
};

NotificationService::NotificationService(db::Database& db, const core::Clock& clock,
                                         core::IdGenerator& ids, NotificationClients clients,
                                         std::shared_ptr<const TemplateSet> templates,
                                         ChannelAdapters adapters, NotificationOptions options,
                                         std::function<void()> events_committed,
                                         std::function<double()> random)
    : db_(db),
      clock_(clock),
      ids_(ids),
      clients_(clients),
      templates_(std::move(templates)),
      adapters_(std::move(adapters)),
      options_(std::move(options)),
      events_committed_(std::move(events_committed)),
      random_(std::move(random)),
      random_state_(std::random_device{}()) {
  in_app_ = std::make_unique<InAppChannel>(db_, repository_);
}

NotificationService::~NotificationService() = default;

double NotificationService::Random() {
  if (random_) return random_();
  std::lock_guard lock(random_mutex_);
  return static_cast<double>(SplitMix(random_state_) >> 11) / 9007199254740992.0;  // [0, 1)
}

const std::vector<std::string>& NotificationService::languages() const {
  return templates_->languages();
}

core::Result<std::optional<location::StoreSummary>> NotificationService::StoreOf(
    const std::string& store_id) {
  auto store = clients_.stores.GetStore(store_id);
  if (store) return std::optional<location::StoreSummary>(std::move(*store));
  if (store.error().code == core::ErrorCode::kNotFound)
    return std::optional<location::StoreSummary>();
  return Fail(store.error());
}

core::Result<std::optional<NotificationService::Recipient>> NotificationService::CustomerOf(
    const std::optional<std::string>& customer_id) {
  // Guests and walk-ins: an order carries no contact of theirs today, so nobody to tell.
  if (!customer_id || customer_id->empty()) return std::optional<Recipient>();
  auto contact = clients_.customers.GetContact(*customer_id);
  if (!contact) {
    if (contact.error().code == core::ErrorCode::kNotFound) return std::optional<Recipient>();
    return Fail(contact.error());
  }
  return std::optional<Recipient>(
      Recipient{contact->customer_id, contact->email, contact->phone, contact->name});
}

core::Status NotificationService::Plan(db::Transaction& tx, const NotificationSpec& spec,
                                       const bus::CloudEvent& ce,
                                       const std::optional<location::StoreSummary>& store,
                                       const std::string& order_id, const Recipient& recipient,
                                       const ValuesFor& values_for) {
  const Preferences preferences =
      repository_.FindPreferences(tx, recipient.id).value_or(Preferences{});
  const std::string language =
      LanguageOf(preferences.locale.empty() ? options_.default_locale : preferences.locale);
  const date::time_zone* zone = store ? FindZone(store->time_zone) : nullptr;
  TemplateValues values = values_for(language, zone);
  values.Set("RECIPIENT_NAME", GreetingName(recipient.name, recipient.email));
  values.Set("STORE_NAME", store ? store->name : "");
  values.Set("STORE_PHONE", store ? store->phone : "");
  values.Set("BRAND", options_.brand);

  const auto now = clock_.Now();
  const std::string now_text = core::FormatRfc3339(now);
  for (Channel channel : spec.channels) {
    if (!Wants(preferences, spec, channel)) continue;
    if (!AdapterFor(channel)) continue;  // the channel is off in this configuration
    std::string address;
    switch (channel) {
      case Channel::kEmail:
        address = recipient.email;
        break;
      case Channel::kSms:
        address = core::IsE164Phone(recipient.phone) ? recipient.phone : "";
        break;
      case Channel::kInApp:
        address = recipient.id;
        break;
    }
    if (address.empty()) continue;  // no mailbox or number for it: the other channels still go
    auto render = [&](std::string_view part) -> core::Result<std::string> {
      return templates_->Render(spec.name, language, part, values);
    };
    Delivery d;
    if (channel == Channel::kEmail) {
      auto subject = render("subject");
      auto text = render("txt");
      auto html = render("html");
      if (!subject) return Fail(subject.error());
      if (!text) return Fail(text.error());
      if (!html) return Fail(html.error());
      d.subject = OneLine(*subject);
      d.body_text = std::move(*text);
      d.body_html = std::move(*html);
    } else {
      auto short_text = render("sms");
      if (!short_text) return Fail(short_text.error());
      d.body_text = Trim(*short_text);
      if (channel == Channel::kInApp) {
        auto title = render("subject");
        if (!title) return Fail(title.error());
        d.subject = OneLine(*title);
      }
    }
    std::int64_t due = Micros(now);
    // Quiet hours hold back what can wait, on the channels that make a sound (in-app is silent).
    if (!spec.urgent && channel != Channel::kInApp && preferences.quiet_hours) {
      if (auto until = QuietUntil(*preferences.quiet_hours, now, zone)) due = Micros(*until);
    }
    d.id = ids_.Next("ntf");
    d.dedupe_key = DedupeKey(ce.id, spec.name, channel, recipient.id);
    d.event_id = ce.id;
    d.notification = std::string(spec.name);
    d.channel = std::string(ChannelName(channel));
    d.recipient_id = recipient.id;
    d.address = address;
    d.recipient_name = recipient.name;
    d.locale = templates_->Has(spec.name, language, PartsFor(channel).front()) ? language : "en";
    d.store_id = store ? store->id : "";
    d.order_id = order_id;
    d.next_at = due;
    d.created_at = now_text;
    d.updated_at = now_text;
    repository_.InsertDelivery(tx, d);
  }
  return core::Ok();
}

// --- triggers ---

core::Status NotificationService::PlanForCustomer(db::Transaction& tx,
                                                  std::string_view notification,
                                                  const bus::CloudEvent& ce,
                                                  const order::events::OrderRef& order,
                                                  const ValuesFor& values_for) {
  auto recipient = CustomerOf(order.customer_id);
  if (!recipient) return Fail(recipient.error());
  if (!*recipient) return core::Ok();
  auto store = StoreOf(order.store_id);
  if (!store) return Fail(store.error());
  return Plan(tx, *FindNotification(notification), ce, *store, order.order_id, **recipient,
              [&](const std::string& language, const date::time_zone* zone) {
                TemplateValues v = values_for(language, zone);
                v.Set("ORDER_NUMBER", std::to_string(order.number));
                v.Set("ORDER_URL", options_.web_base_url + "/orders/" + order.order_id);
                v.Show("DELIVERY", order.type == "delivery");
                v.Show("CARRYOUT", order.type == "carryout");
                v.Show("DINE_IN", order.type == "dine_in");
                return v;
              });
}

core::Status NotificationService::OnOrderConfirmed(db::Transaction& tx,
                                                   const order::events::OrderConfirmed& e,
                                                   const bus::CloudEvent& ce) {
  const std::string now = core::FormatRfc3339(clock_.Now());
  if (e.customer_id && !e.customer_id->empty()) {
    repository_.PutOrder(
        tx, {e.order_id, e.store_id, *e.customer_id, e.type, e.number, e.promised_at, "", ""}, now);
  }
  const auto promised = ParseTimeOr(e.promised_at, clock_.Now());
  return PlanForCustomer(
      tx, "order_confirmed", ce, e, [&](const std::string& language, const date::time_zone* zone) {
        TemplateValues v;
        v.Set("PROMISED_TIME", FormatTime(promised, zone, language));
        v.Set("PROMISED_DATE", FormatDate(promised, zone, language));
        v.Set("SUBTOTAL", Money(e.subtotal, language));
        v.Set("DISCOUNT", Money(e.discount_total, language));
        v.Set("TAX", Money(e.tax_total, language));
        v.Set("DELIVERY_FEE", Money(e.delivery_fee, language));
        v.Set("TIP", Money(e.tip, language));
        v.Set("TOTAL", Money(e.total, language));
        v.Show("HAS_DISCOUNT", e.discount_total.amount != 0);
        v.Show("HAS_DELIVERY_FEE", e.delivery_fee.amount != 0);
        v.Show("HAS_TIP", e.tip.amount != 0);
        v.Show("PAY_AT_STORE", e.payment_method == "pay_at_store");
        v.Show("PAID_BY_CARD", e.payment_method == "card");
        v.Show("SCHEDULED", e.scheduled_for.has_value());
        if (e.address) {
          v.Set("ADDRESS", e.address->city.empty() ? e.address->line1
                                                   : e.address->line1 + ", " + e.address->city);
        }
        for (const auto& line : e.lines) {
          TemplateValues l;
          l.Set("QUANTITY", std::to_string(line.quantity));
          l.Set("NAME", line.name);
          l.Set("LINE_TOTAL", Money(line.line_total, language));
          std::string details;
          const bool deal = !line.deal_id.empty() || line.items.size() > 1;
          for (const auto& item : line.items) {
            const std::string one = ItemDetails(item, language, deal);
            if (!one.empty()) details += (details.empty() ? "" : "; ") + one;
          }
          if (!line.notes.empty()) details += (details.empty() ? "" : " — ") + OneLine(line.notes);
          l.Set("DETAILS", details);
          l.Show("WITH_DETAILS", !details.empty());
          v.Add("LINES", std::move(l));
        }
        return v;
      });
}

core::Status NotificationService::OnOrderStatusChanged(db::Transaction& tx,
                                                       const order::events::OrderStatusChanged& e,
                                                       const bus::CloudEvent& ce) {
  const NotificationSpec* spec = nullptr;
  if (e.status == "ready" && (e.type == "carryout" || e.type == "dine_in"))
    spec = FindNotification("order_ready");
  if (e.status == "out_for_delivery") spec = FindNotification("order_out_for_delivery");
  if (e.status == "delivered") spec = FindNotification("order_delivered");
  if (!spec) return core::Ok();  // a step the customer follows on the tracker, not by message
  const auto facts = repository_.FindOrder(tx, e.order_id);
  const auto at = ParseTimeOr(e.at, clock_.Now());
  // The driver's estimate if there is one, else the latest promise, else the status time.
  core::TimePoint eta = at;
  std::string driver;
  if (facts) {
    eta = ParseTimeOr(!facts->eta.empty() ? facts->eta : facts->promised_at, at);
    driver = facts->driver_name;
  }
  return PlanForCustomer(tx, spec->name, ce, e,
                         [&](const std::string& language, const date::time_zone* zone) {
                           TemplateValues v;
                           v.Set("TOTAL", Money(e.total, language));
                           v.Set("ETA_TIME", FormatTime(eta, zone, language));
                           v.Set("DRIVER_NAME", driver);
                           v.Show("HAS_DRIVER", !driver.empty());
                           return v;
                         });
}

core::Status NotificationService::OnOrderRejected(db::Transaction& tx,
                                                  const order::events::OrderRejected& e,
                                                  const bus::CloudEvent& ce) {
  return PlanForCustomer(tx, "order_rejected", ce, e,
                         [&](const std::string& language, const date::time_zone*) {
                           TemplateValues v;
                           v.Set("REASON", OneLine(e.reason.empty() ? "rejected" : e.reason));
                           v.Set("TOTAL", Money(e.total, language));
                           return v;
                         });
}

core::Status NotificationService::OnOrderRefunded(db::Transaction& tx,
                                                  const order::events::OrderRefunded& e,
                                                  const bus::CloudEvent& ce) {
  return PlanForCustomer(tx, "order_refunded", ce, e,
                         [&](const std::string& language, const date::time_zone*) {
                           return TemplateValues().Set("REFUND_TOTAL", Money(e.total, language));
                         });
}

core::Status NotificationService::OnPromiseChanged(db::Transaction& tx,
                                                   const kitchen::events::PromiseChanged& e) {
  repository_.UpdatePromise(tx, e.order_id, e.promised_at, core::FormatRfc3339(clock_.Now()));
  return core::Ok();
}

core::Status NotificationService::OnDeliveryStatusChanged(
    db::Transaction& tx, const kitchen::events::DeliveryStatusChanged& e) {
  if (e.eta || !e.driver_name.empty()) {
    repository_.UpdateDelivery(tx, e.order_id, e.eta.value_or(""), e.driver_name,
                               core::FormatRfc3339(clock_.Now()));
  }
  return core::Ok();
}

core::Status NotificationService::OnLowStock(db::Transaction& tx,
                                             const kitchen::events::LowStock& e,
                                             const bus::CloudEvent& ce) {
  auto managers = clients_.customers.ListStaff(e.store_id, "store_manager");
  if (!managers) return Fail(managers.error());
  if (managers->empty()) {
    log::Info("low stock: the store has no manager to tell",
              {{"store_id", e.store_id}, {"ingredient", e.ingredient_id}});
    return core::Ok();
  }
  auto store = StoreOf(e.store_id);
  if (!store) return Fail(store.error());
  const auto at = ParseTimeOr(e.at, clock_.Now());
  for (const auto& m : *managers) {
    Recipient r{m.customer_id, m.email, m.phone, m.name};
    auto planned = Plan(tx, *FindNotification("low_stock"), ce, *store, "", r,
                        [&](const std::string& language, const date::time_zone* zone) {
                          TemplateValues v;
                          v.Set("INGREDIENT", e.name.empty() ? e.ingredient_id : e.name);
                          v.Set("QUANTITY", FormatNumber(e.quantity, 2, language));
                          v.Set("THRESHOLD", FormatNumber(e.low_threshold, 2, language));
                          v.Set("UNIT", e.unit);
                          v.Set("AT_TIME", FormatTime(at, zone, language));
                          v.Set("INVENTORY_URL", options_.web_base_url + "/admin/stores/" +
                                                     e.store_id + "/inventory");
                          return v;
                        });
    if (!planned) return planned;
  }
  return core::Ok();
}

core::Status NotificationService::OnEmailVerification(
    db::Transaction& tx, const customer::events::EmailVerificationRequested& e,
    const bus::CloudEvent& ce) {
  const Recipient r{e.customer_id, e.email, "", e.name};
  const std::string link = options_.web_base_url + e.verify_url;
  return Plan(tx, *FindNotification("email_verification"), ce, std::nullopt, "", r,
              [&](const std::string&, const date::time_zone*) {
                return TemplateValues().Set("LINK", link);
              });
}

core::Status NotificationService::OnPasswordReset(db::Transaction& tx,
                                                  const customer::events::PasswordResetRequested& e,
                                                  const bus::CloudEvent& ce) {
  const Recipient r{e.customer_id, e.email, "", e.name};
  const std::string link = options_.web_base_url + e.reset_url;
  return Plan(tx, *FindNotification("password_reset"), ce, std::nullopt, "", r,
              [&](const std::string&, const date::time_zone*) {
                return TemplateValues().Set("LINK", link);
              });
}

core::Status NotificationService::OnCustomerDeleted(db::Transaction& tx,
                                                    const customer::events::CustomerDeleted& e) {
  repository_.ForgetAccount(tx, e.customer_id, core::FormatRfc3339(clock_.Now()));
  return core::Ok();
}

// --- the sender ---

ChannelAdapter* NotificationService::AdapterFor(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
      return adapters_.email.get();
    case Channel::kSms:
      return adapters_.sms.get();
    case Channel::kInApp:
      return in_app_.get();
  }
  return nullptr;
}

std::optional<std::chrono::milliseconds> NotificationService::SendDue() {
  const auto now_us = Micros(clock_.Now());
  const auto due = repository_.Due(db_, now_us, options_.batch_size);
  for (const auto& d : due) SendOne(d);
  if (due.size() == static_cast<std::size_t>(options_.batch_size))
    return std::chrono::milliseconds(0);
  const auto next = repository_.NextDue(db_);
  if (!next) return std::nullopt;
  const auto wait_us = *next - Micros(clock_.Now());
  return std::chrono::milliseconds(std::max<std::int64_t>(0, (wait_us + 999) / 1000));
}

void NotificationService::SendOne(const Delivery& d) {
  const auto now = clock_.Now();
  const auto now_us = Micros(now);
  const std::string now_text = core::FormatRfc3339(now);
  const auto lease =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.claim_lease).count();
  if (!repository_.Claim(db_, d, now_us, now_us + lease, now_text))
    return;  // another sender has it
  const int attempts = d.attempts + 1;
  const auto channel = ParseChannel(d.channel);
  const NotificationSpec* spec = FindNotification(d.notification);
  ChannelAdapter* adapter = channel ? AdapterFor(*channel) : nullptr;

  core::Result<Receipt> result =
      Fail(Error::BadRequest(fmt::format("channel {} is off in this configuration", d.channel)));
  std::string provider = adapter ? std::string(adapter->kind()) : "none";
  if (adapter) {
    // A bug (or an event storm) must not flood one person: past the limit the message is given
    // up, visibly, instead of sent. An admin's re-drive is a deliberate choice and passes.
    const ThrottleRule* rule = *channel == Channel::kEmail ? &options_.email_throttle
                               : *channel == Channel::kSms ? &options_.sms_throttle
                                                           : nullptr;
    const auto since = now_us - std::chrono::duration_cast<std::chrono::microseconds>(
                                    rule ? rule->window : std::chrono::seconds(0))
                                    .count();
    if (rule && d.redriven == 0 &&
        !ThrottleAllows(*rule, repository_.SentSince(db_, d.channel, d.address, since))) {
      result = Fail(Error::Forbidden(
          fmt::format("throttled: {} already had {} {} message(s) within {} s", d.recipient_id,
                      rule->max_messages, d.channel, rule->window.count())));
    } else {
      OutgoingMessage m{d.id,           d.notification, d.dedupe_key,
                        d.recipient_id, d.address,      d.recipient_name,
                        d.subject,      d.body_text,    d.body_html,
                        d.store_id,     d.order_id,     ParseTimeOr(d.created_at, now)};
      try {
        result = adapter->Send(m);
      } catch (const std::exception& ex) {
        result = Fail(Error::Unavailable(fmt::format("{}: {}", provider, ex.what())));
      }
    }
  }

  events::DeliveryPayload payload{d.id,       d.notification, d.channel, d.recipient_id, d.event_id,
                                  d.order_id, d.store_id,     attempts,  now_text};
  const auto done = clock_.Now();
  const std::string done_text = core::FormatRfc3339(done);
  auto tx = db_.Begin();
  std::string outcome;
  if (result) {
    repository_.MarkSent(tx, d.id, provider, result->provider_id, done_text, Micros(done),
                         spec && spec->sensitive);
    events::NotificationSent sent;
    static_cast<events::DeliveryPayload&>(sent) = payload;
    sent.provider = provider;
    sent.provider_id = result->provider_id;
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, d.id, sent));
    outcome = "sent";
  } else {
    const bool permanent = result.error().code != core::ErrorCode::kUnavailable;
    const bool dead = permanent || GivesUp(options_.retry, attempts);
    if (dead) {
      repository_.MarkFailed(tx, d.id, "dead", provider, result.error().detail, 0, done_text);
      events::NotificationFailed failed;
      static_cast<events::DeliveryPayload&>(failed) = payload;
      failed.error = result.error().detail;
      outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, d.id, failed));
      outcome = "dead";
    } else {
      const auto delay = RetryDelay(options_.retry, attempts, Random());
      repository_.MarkFailed(
          tx, d.id, "failed", provider, result.error().detail,
          Micros(done) + std::chrono::duration_cast<std::chrono::microseconds>(delay).count(),
          done_text);
      outcome = "failed";
    }
  }
  tx.Commit();
  if (events_committed_) events_committed_();
  {
    std::lock_guard lock(stats_mutex_);
    if (outcome == "sent") {
      ++stats_.sent[d.channel];
      const double seconds =
          std::chrono::duration<double>(done - ParseTimeOr(d.created_at, done)).count();
      stats_.latencies.emplace_back(d.channel, seconds);
      if (stats_.latencies.size() > 10000) stats_.latencies.erase(stats_.latencies.begin());
    } else if (outcome == "dead") {
      ++stats_.dead[d.channel];
    } else {
      ++stats_.failed[d.channel];
    }
  }
  if (outcome == "sent") {
    log::Info("notification sent", {{"delivery_id", d.id},
                                    {"notification", d.notification},
                                    {"channel", d.channel},
                                    {"provider", provider},
                                    {"provider_id", result->provider_id},
                                    {"attempts", attempts}});
    if (channel == Channel::kInApp) {
      InboxItem item{d.id,       d.address,  d.notification, d.subject,   d.body_text,
                     d.store_id, d.order_id, d.created_at,   std::nullopt};
      streams_.Publish(d.address, "notification", InboxItemJson(item), d.id);
    }
  } else {
    log::Warn(outcome == "dead" ? "notification given up" : "notification failed, will retry",
              {{"delivery_id", d.id},
               {"notification", d.notification},
               {"channel", d.channel},
               {"provider", provider},
               {"attempts", attempts},
               {"error", result.error().detail}});
  }
}

std::int64_t NotificationService::Purge(std::chrono::hours age) {
  const std::string before = core::FormatRfc3339(clock_.Now() - age);
  return repository_.Purge(db_, before);
}

SenderStats NotificationService::TakeStats() {
  std::lock_guard lock(stats_mutex_);
  SenderStats out = stats_;
  stats_.latencies.clear();
  return out;
}

std::map<std::string, std::int64_t> NotificationService::CountByStatus() {
  return repository_.CountByStatus(db_);
}

// --- the delivery log ---

core::Result<std::vector<Delivery>> NotificationService::ListDeliveries(const std::string& status,
                                                                        const std::string& channel,
                                                                        int limit,
                                                                        const std::string& cursor) {
  return repository_.List(db_, status, channel, limit, cursor);
}

core::Result<Delivery> NotificationService::Retry(const std::string& delivery_id) {
  auto d = repository_.Find(db_, delivery_id);
  if (!d) return Fail(Error::NotFound(fmt::format("no notification delivery '{}'", delivery_id)));
  const auto now = clock_.Now();
  if (!repository_.Redrive(db_, delivery_id, Micros(now), core::FormatRfc3339(now))) {
    if (d->status == "dead" && d->address.empty()) {
      return Fail(
          Error::Conflict("the recipient's account was erased: there is nobody to send it to"));
    }
    return Fail(Error::Conflict(
        fmt::format("delivery {} is {}, not dead: only a dead delivery can be retried", delivery_id,
                    d->status)));
  }
  log::Info("notification re-driven",
            {{"delivery_id", delivery_id}, {"notification", d->notification}});
  auto queued = repository_.Find(db_, delivery_id);  // as queued, before the sender takes it
  if (wake_) wake_();
  return *queued;
}

// --- in-app ---

core::Result<std::vector<InboxItem>> NotificationService::ListInbox(const std::string& account_id,
                                                                    int limit,
                                                                    const std::string& cursor,
                                                                    bool unread_only) {
  return repository_.ListInbox(db_, account_id, limit, cursor, unread_only);
}

std::int64_t NotificationService::Unread(const std::string& account_id) {
  return repository_.Unread(db_, account_id);
}

core::Result<InboxItem> NotificationService::MarkRead(const std::string& account_id,
                                                      const std::string& item_id) {
  if (!repository_.MarkRead(db_, account_id, item_id, core::FormatRfc3339(clock_.Now()))) {
    return Fail(Error::NotFound(fmt::format("no notification '{}' in your list", item_id)));
  }
  auto item = repository_.FindInbox(db_, account_id, item_id);
  if (!item)
    return Fail(Error::NotFound(fmt::format("no notification '{}' in your list", item_id)));
  streams_.Publish(account_id, "read",
                   json_text::Serialize(json::object{
                       {"id", item_id}, {"unread", repository_.Unread(db_, account_id)}}),
                   "");
  return *item;
}

void NotificationService::Follow(const std::string& account_id,
                                 std::shared_ptr<http::EventStream> stream,
                                 const std::string& last_event_id) {
  auto follower = streams_.Follow(account_id, stream);
  InboxStreams::Deliver(
      follower, "unread",
      json_text::Serialize(json::object{{"unread", repository_.Unread(db_, account_id)}}), "");
  if (last_event_id.empty()) return;
  for (const auto& item : repository_.InboxAfter(db_, account_id, last_event_id, 200)) {
    InboxStreams::Deliver(follower, "notification", InboxItemJson(item), item.id);
  }
}

// --- preferences ---

Preferences NotificationService::GetPreferences(const std::string& account_id) {
  return repository_.FindPreferences(db_, account_id).value_or(Preferences{});
}

core::Result<Preferences> NotificationService::PutPreferences(const std::string& account_id,
                                                              const Preferences& preferences) {
  core::FieldErrors errors;
  CheckPreferences(preferences, languages(), errors);
  if (preferences.transactional.sms || preferences.marketing.sms) {
    auto contact = clients_.customers.GetContact(account_id);
    if (!contact) return Fail(contact.error());
    if (!core::IsE164Phone(contact->phone)) {
      errors.Add(preferences.transactional.sms ? "channels.sms" : "marketing.sms",
                 "needs a phone number in E.164 form (+12125550100) on the account: set it with "
                 "PATCH /api/v1/me first");
    }
  }
  if (!errors.empty()) return Fail(errors.ToError());
  repository_.PutPreferences(db_, account_id, preferences, core::FormatRfc3339(clock_.Now()));
  return preferences;
}

// --- JSON ---

std::string NotificationService::DeliveryJson(const Delivery& d) {
  const NotificationSpec* spec = FindNotification(d.notification);
  const bool waiting = d.status == "queued" || d.status == "failed" || d.status == "sending";
  json::object o{{"id", d.id},
                 {"notification", d.notification},
                 {"channel", d.channel},
                 {"status", d.status},
                 {"recipient_id", d.recipient_id},
                 {"address", d.address},
                 {"locale", d.locale},
                 {"store_id", d.store_id},
                 {"order_id", d.order_id},
                 {"event_id", d.event_id},
                 {"subject", spec && spec->sensitive ? "" : d.subject},
                 {"attempts", d.attempts},
                 {"next_attempt_at", waiting ? json::value(core::FormatRfc3339(core::TimePoint(
                                                   std::chrono::microseconds(d.next_at))))
                                             : json::value(nullptr)},
                 {"provider", d.provider},
                 {"provider_id", d.provider_id},
                 {"error", d.last_error},
                 {"redriven", d.redriven},
                 {"created_at", d.created_at},
                 {"updated_at", d.updated_at},
                 {"sent_at", Opt(d.sent_at)}};
  return json_text::Serialize(o);
}

std::string NotificationService::InboxItemJson(const InboxItem& item) {
  return json_text::Serialize(json::object{
      {"id", item.id},
      {"notification", item.notification},
      {"title", item.title},
      {"body", item.body},
      {"store_id", item.store_id},
      {"order_id", item.order_id.empty() ? json::value(nullptr) : json::value(item.order_id)},
      {"created_at", item.created_at},
      {"read", item.read_at.has_value()},
      {"read_at", Opt(item.read_at)}});
}

std::string NotificationService::PreferencesJson(const Preferences& p) const {
  auto channels = [](const ChannelSet& c) {
    return json::object{{"email", c.email}, {"sms", c.sms}, {"in_app", c.in_app}};
  };
  json::value quiet = nullptr;
  if (p.quiet_hours) {
    quiet = json::object{{"start", FormatClock(p.quiet_hours->start_minute)},
                         {"end", FormatClock(p.quiet_hours->end_minute)}};
  }
  json::array languages;
  for (const auto& l : templates_->languages()) languages.push_back(json::value(l));
  return json_text::Serialize(
      json::object{{"locale", p.locale.empty() ? json::value(nullptr) : json::value(p.locale)},
                   {"effective_locale", p.locale.empty() ? options_.default_locale : p.locale},
                   {"channels", channels(p.transactional)},
                   {"marketing", channels(p.marketing)},
                   {"quiet_hours", std::move(quiet)},
                   {"languages", std::move(languages)}});
}

}  // namespace vetahut::notification
