// The notification service on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL),
// with the real in-process bus and inbox, the real SMTP and SMS adapters against fakes on
// loopback, and a manual clock: a confirmed order reaches each chosen channel once in the
// customer's language, a redelivered event sends nothing more, a failing channel is retried with
// back-off and then given up, an admin's retry sends exactly once, quiet hours hold back only what
// can wait, the throttle stops a storm, and a sender that dies mid-send re-sends at most once with
// the same Message-ID.
#include "services/notification/notification_service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lib/bus/event_bus.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/notification/channels/fake_sms_provider.hpp"
#include "services/notification/channels/fake_smtp_server.hpp"
#include "services/notification/channels/mime.hpp"
#include "services/notification/channels/smtp_channel.hpp"
#include "services/notification/channels/twilio_channel.hpp"
#include "services/notification/domain/locale_format.hpp"
#include "services/notification/fake_clients.hpp"

namespace vetahut::notification {
namespace {

namespace json = boost::json;
using namespace std::chrono;

constexpr const char* kStore = "str_loop";

class NotificationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"notification_deliveries", "notification_inbox",
                          "notification_preferences", "notification_orders", "notification_items",
                          "notification_outbox", "notification_outbox_lease", "notification_inbox",
                          "bus_queue", "bus_dead_letters", "bus_consumers"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT "
        "NULL, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module IN ('notification', 'bus')");
    db::Migrate(*db_, AllMigrations());
    db::Migrate(*db_, bus::BusMigrations());
    customers_.contacts["cus_ana"] = {
        "cus_ana", "ana@example.test", "Ana Núñez", "+12125550004", true, false};
    customers_.contacts["cus_bo"] = {"cus_bo", "bo@example.test", "Bo", "", true, false};
    Build();
  }

  void Build(NotificationOptions options = {}, bool sms_on = true) {
    bus_.reset();
    service_.reset();
    options.retry = {milliseconds(1000), milliseconds(60000), 3, 0.25};
    if (options.sms_throttle.max_messages == 10) options.sms_throttle = {5, seconds(3600)};
    options.web_base_url = "https://order.vetahut.test";
    auto templates = TemplateSet::Load(EmbeddedTemplates());
    ASSERT_TRUE(templates) << templates.error().detail;
    ChannelAdapters adapters;
    SmtpOptions smtp;
    smtp.url = smtp_.url();
    smtp.from_address = "orders@vetahut.test";
    smtp.from_name = "Veta Hut";
    adapters.email = std::make_unique<SmtpChannel>(smtp);
    if (sms_on) {
      adapters.sms = std::make_unique<TwilioSmsChannel>(TwilioOptions{
          sms_.url(), sms_.account_sid(), sms_.auth_token(), "+13125550100", milliseconds(3000)});
    }
    service_ = std::make_unique<NotificationService>(
        *db_, clock_, ids_, NotificationClients{stores_, customers_}, *templates,
        std::move(adapters), options, nullptr, [] { return 0.5; });
    bus_ = std::make_unique<bus::InProcessBus>(
        *db_, bus::InProcessBusOptions{.max_attempts = 3, .first_backoff = milliseconds(1)});
    bus_->Subscribe(MakeConsumer(*db_, *service_).Build());
  }

  /// Publishes `payload` as a typed event and lets the module's queue handle it.
  template <class E>
  bus::CloudEvent Deliver(const E& payload, const std::string& id = "") {
    auto e = bus::MakeTypedEvent(ids_, clock_, "subject", payload);
    if (!id.empty()) e.id = id;
    Redeliver(e);
    return e;
  }
  void Redeliver(const bus::CloudEvent& e) {
    bus_->Publish(e);
    bus_->DrainOnce("notification");
  }

  void Prefer(const std::string& account, const std::string& locale, ChannelSet channels,
              std::optional<QuietHours> quiet = std::nullopt) {
    Preferences p;
    p.locale = locale;
    p.transactional = channels;
    p.quiet_hours = quiet;
    auto stored = service_->PutPreferences(account, p);
    ASSERT_TRUE(stored) << stored.error().detail;
  }

  order::events::OrderConfirmed Confirmed(const std::string& customer = "cus_ana",
                                          std::string type = "carryout") {
    order::events::OrderConfirmed o;
    o.order_id = ids_.Next("ord");
    o.store_id = kStore;
    o.customer_id = customer;
    o.number = 7;
    o.type = std::move(type);
    o.customer_name = "Ana";
    o.channel = "web";
    o.placed_at = core::FormatRfc3339(clock_.Now());
    o.promised_at = "2026-03-04T01:45:00.000Z";  // 19:45 in Chicago
    o.payment_method = "pay_at_store";
    o.subtotal = {1499, "USD"};
    o.discount_total = {0, "USD"};
    o.delivery_fee = {0, "USD"};
    o.tip = {0, "USD"};
    o.tax_total = {133, "USD"};
    o.total = {1632, "USD"};
    order::events::Line line;
    line.name = "Cheese Pizza";
    line.quantity = 1;
    line.unit_price = {1499, "USD"};
    line.line_total = {1499, "USD"};
    order::events::Item item{"cheese_pizza",
                             "Cheese Pizza",
                             "pizzas",
                             "pizza",
                             "large",
                             "Large",
                             "hand_tossed",
                             "Hand-tossed",
                             {{"mozzarella", "Mozzarella", "whole", "normal"},
                              {"pepperoni", "Pepperoni", "left", "extra"}},
                             {}};
    line.items.push_back(item);
    o.lines.push_back(line);
    return o;
  }

  order::events::OrderStatusChanged Status(const order::events::OrderConfirmed& o,
                                           std::string status) {
    order::events::OrderStatusChanged s;
    static_cast<order::events::OrderRef&>(s) = o;
    s.status = std::move(status);
    s.at = core::FormatRfc3339(clock_.Now());
    s.total = o.total;
    s.loyalty_basis = o.subtotal;
    return s;
  }

  std::int64_t Count(const std::string& where = "1 = 1") {
    return db_->Query("SELECT COUNT(*) FROM notification_deliveries WHERE " + where)[0].Int(0);
  }
  std::vector<Delivery> Log(const std::string& status = "") {
    return *service_->ListDeliveries(status, "", 100, "");
  }
  std::int64_t OutboxEvents(const std::string& type) {
    return db_
        ->Query("SELECT COUNT(*) FROM notification_outbox WHERE type = $1", db::Params(type))[0]
        .Int(0);
  }
  void SendAll() {
    for (int i = 0; i < 5; ++i) service_->SendDue();
  }

  std::unique_ptr<db::Database> db_;
  core::ManualClock clock_{*core::ParseRfc3339("2026-03-03T23:00:00Z")};  // 17:00 in Chicago
  core::IdGenerator ids_{clock_};
  testing::OneStore stores_{kStore};
  testing::InMemoryCustomers customers_;
  testing::FakeSmtpServer smtp_;
  FakeSmsProvider sms_;
  std::unique_ptr<NotificationService> service_;
  std::unique_ptr<bus::InProcessBus> bus_;
};

TEST_F(NotificationServiceTest, AConfirmedOrderReachesEachChosenChannelOnceInTheCustomersLanguage) {
  Prefer("cus_ana", "es-MX", {true, true, true});
  const auto order = Confirmed();
  const auto event = Deliver(order);
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(Count("status = 'queued'"), 3);
  SendAll();
  EXPECT_EQ(Count("status = 'sent'"), 3);

  const auto mails = smtp_.Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_to, std::vector<std::string>{"<ana@example.test>"});
  const std::string& mail = mails[0].data;
  EXPECT_NE(mail.find(EncodeHeaderWords("Tu pedido n.º 7 en Veta Hut Loop está confirmado", " ")),
            std::string::npos)
      << mail;
  // The total as a Spanish reader writes it, the time in the store's zone (quoted-printable body).
  EXPECT_NE(mail.find("Total: 16,32=C2=A0US$"), std::string::npos) << mail;
  EXPECT_NE(mail.find("19:45 (martes, 3 de marzo)"), std::string::npos) << mail;
  EXPECT_NE(mail.find("extra Pepperoni (mitad izquierda)"), std::string::npos) << mail;
  const auto texts = sms_.Messages();
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].to, "+12125550004");
  EXPECT_EQ(
      texts[0].body,
      "Veta Hut: pedido n.º 7 confirmado, total 16,32\u00A0US$. Listo para recoger a las 19:45.");
  auto inbox = service_->ListInbox("cus_ana", 10, "", false);
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ((*inbox)[0].title, "Tu pedido n.º 7 en Veta Hut Loop está confirmado");
  EXPECT_EQ(OutboxEvents("com.vetahut.notification.sent"), 3);

  // The bus delivers the same event again (a relay after a crash): the inbox drops it.
  Redeliver(event);
  // Even handled again past the inbox (a re-driven dead letter of the same event), the dedupe keys
  // add nothing.
  {
    auto tx = db_->Begin();
    ASSERT_TRUE(service_->OnOrderConfirmed(tx, order, event));
    tx.Commit();
  }
  SendAll();
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(smtp_.Messages().size(), 1u);
  EXPECT_EQ(sms_.Messages().size(), 1u);
  EXPECT_EQ(service_->ListInbox("cus_ana", 10, "", false)->size(), 1u);
}

TEST_F(NotificationServiceTest,
       GuestsAndErasedAccountsGetNothingAndAnUnreachableCustomerServiceIsRetried) {
  auto guest = Confirmed();
  guest.customer_id.reset();
  Deliver(guest);
  Deliver(Confirmed("cus_gone"));
  EXPECT_EQ(Count(), 0);
  customers_.down = true;
  const auto e = Deliver(Confirmed());
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(bus_->Stats()[0].depth, 1) << "the event waits for another attempt";
  customers_.down = false;
  clock_.Advance(seconds(1));
  std::this_thread::sleep_for(milliseconds(5));
  bus_->DrainOnce("notification");
  EXPECT_EQ(Count(), 2);  // email and in-app: the defaults
}

TEST_F(NotificationServiceTest,
       AFailingChannelIsRetriedWithBackOffThenGivenUpAndAnAdminRetrySendsExactlyOnce) {
  Prefer("cus_ana", "en", {false, true, false});
  sms_.FailNext(100);
  Deliver(Confirmed());
  ASSERT_EQ(Count(), 1);
  const std::string id = Log()[0].id;

  service_->SendDue();  // attempt 1 fails: next in 1 s (2^0 × 1 s, no jitter at 0.5)
  auto d = Log()[0];
  EXPECT_EQ(d.status, "failed");
  EXPECT_EQ(d.attempts, 1);
  EXPECT_NE(d.last_error.find("provider answered 500"), std::string::npos) << d.last_error;
  EXPECT_EQ(d.next_at, (clock_.Now() + seconds(1)).time_since_epoch().count());
  service_->SendDue();  // not due yet
  EXPECT_EQ(sms_.Requests(), 1);
  clock_.Advance(seconds(1));
  service_->SendDue();  // attempt 2 fails: next in 2 s
  EXPECT_EQ(Log()[0].next_at, (clock_.Now() + seconds(2)).time_since_epoch().count());
  clock_.Advance(seconds(2));
  service_->SendDue();  // attempt 3 of 3 fails: dead
  d = Log()[0];
  EXPECT_EQ(d.status, "dead");
  EXPECT_EQ(d.attempts, 3);
  EXPECT_EQ(OutboxEvents("com.vetahut.notification.failed"), 1);
  EXPECT_EQ(Log("dead").size(), 1u);
  clock_.Advance(hours(1));
  service_->SendDue();
  EXPECT_EQ(sms_.Requests(), 3) << "a dead message is not tried again by itself";

  sms_.FailNext(0);  // the provider is back
  auto retried = service_->Retry(id);
  ASSERT_TRUE(retried) << retried.error().detail;
  EXPECT_EQ(retried->status, "queued");
  auto twice = service_->Retry(id);  // a second click before the sender ran
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, core::ErrorCode::kConflict);
  SendAll();
  EXPECT_EQ(sms_.Messages().size(), 1u);
  EXPECT_EQ(Log()[0].status, "sent");
  EXPECT_EQ(Log()[0].redriven, 1);
  auto after = service_->Retry(id);  // and after it was sent
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, core::ErrorCode::kConflict);
  SendAll();
  EXPECT_EQ(sms_.Messages().size(), 1u);
  EXPECT_EQ(service_->Retry("ntf_nope").error().code, core::ErrorCode::kNotFound);
}

TEST_F(NotificationServiceTest, APermanentRefusalIsGivenUpAtOnce) {
  Prefer("cus_ana", "en", {true, false, false});
  smtp_.FailNext("RCPT", 1, "550 5.1.1 No such user");
  Deliver(Confirmed());
  service_->SendDue();
  const auto d = Log()[0];
  EXPECT_EQ(d.status, "dead");
  EXPECT_EQ(d.attempts, 1);
  EXPECT_NE(d.last_error.find("550"), std::string::npos) << d.last_error;
}

TEST_F(NotificationServiceTest, QuietHoursHoldBackOnlyWhatCanWaitAndOnlyOnChannelsThatMakeASound) {
  // 22:00–07:00 in Chicago; it is 23:30 there.
  clock_.Set(*core::ParseRfc3339("2026-03-04T05:30:00Z"));
  Prefer("cus_ana", "en", {true, true, true}, QuietHours{22 * 60, 7 * 60});
  const auto order = Confirmed();
  Deliver(order);
  Deliver(Status(order, "ready"));  // urgent: they are waiting at the counter
  Deliver(Status(
      order,
      "delivered"));  // can wait (a carry-out has no delivered, but the rule is the status's)
  SendAll();
  EXPECT_EQ(Count("notification = 'order_confirmed' AND status = 'sent'"), 3);
  EXPECT_EQ(Count("notification = 'order_ready' AND status = 'sent'"), 3);
  EXPECT_EQ(Count("notification = 'order_delivered' AND status = 'sent'"), 1) << "in-app only";
  EXPECT_EQ(Count("notification = 'order_delivered' AND status = 'queued'"), 2);
  const auto held =
      db_->Query("SELECT next_at FROM notification_deliveries WHERE status = 'queued'");
  for (const auto& r : held)
    EXPECT_EQ(r.Int(0), core::ParseRfc3339("2026-03-04T13:00:00Z")->time_since_epoch().count());
  clock_.Set(*core::ParseRfc3339("2026-03-04T13:00:00Z"));  // 07:00
  SendAll();
  EXPECT_EQ(Count("notification = 'order_delivered' AND status = 'sent'"), 3);
}

TEST_F(NotificationServiceTest, TheThrottleStopsAStormToOneNumber) {
  NotificationOptions options;
  options.sms_throttle = {2, seconds(3600)};
  Build(options);
  Prefer("cus_ana", "en", {false, true, false});
  const auto order = Confirmed();
  for (int i = 0; i < 4; ++i) Deliver(Status(order, "ready"));  // four events: a bug upstream
  SendAll();
  EXPECT_EQ(sms_.Messages().size(), 2u);
  const auto dead = Log("dead");
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_NE(dead[0].last_error.find("throttled"), std::string::npos) << dead[0].last_error;
  // An admin who decides it should go anyway re-drives it: that passes the throttle, once.
  ASSERT_TRUE(service_->Retry(dead[0].id));
  SendAll();
  EXPECT_EQ(sms_.Messages().size(), 3u);
  // Another hour: the number may hear from us again.
  clock_.Advance(minutes(61));
  Deliver(Status(order, "ready"));
  SendAll();
  EXPECT_EQ(sms_.Messages().size(), 4u);
}

TEST_F(NotificationServiceTest, ASenderThatDiesMidSendIsReplacedAndTheResendKeepsItsMessageId) {
  Prefer("cus_ana", "en", {true, false, false});
  Deliver(Confirmed());
  // A sender claims the message, the SMTP server accepts it, and the process dies before the
  // delivery is marked sent: here, the claim is taken and the message sent by hand.
  auto d = Log()[0];
  NotificationRepository repository;
  const auto now_us = clock_.Now().time_since_epoch().count();
  ASSERT_TRUE(repository.Claim(*db_, d, now_us, now_us + seconds(120).count() * 1000000, "now"));
  service_->SendDue();
  EXPECT_EQ(smtp_.Messages().size(), 0u) << "claimed by the dead sender until its lease ends";
  clock_.Advance(seconds(121));
  SendAll();
  ASSERT_EQ(smtp_.Messages().size(), 1u);
  EXPECT_EQ(Log()[0].status, "sent");
  EXPECT_EQ(Log()[0].attempts, 2);
  // What a receiver dedupes with: the Message-ID is the delivery's, whichever attempt sent it.
  const std::string id = MessageIdFor(d.dedupe_key, "vetahut.test");
  EXPECT_NE(smtp_.Messages()[0].data.find("Message-ID: " + id), std::string::npos);
  EXPECT_EQ(Log()[0].provider_id, id);
}

TEST_F(NotificationServiceTest, OutForDeliveryCarriesTheDriversEstimateInTheStoresTime) {
  Prefer("cus_ana", "de", {false, true, false});
  const auto order = Confirmed("cus_ana", "delivery");
  Deliver(order);
  kitchen::events::PromiseChanged moved{order.order_id, kStore, "2026-03-04T02:00:00.000Z",
                                        "kitchen"};
  Deliver(moved);
  kitchen::events::DeliveryStatusChanged out;
  out.delivery_id = "del_1";
  out.order_id = order.order_id;
  out.store_id = kStore;
  out.status = "out_for_delivery";
  out.driver_name = "Sam";
  out.eta = "2026-03-04T02:10:00.000Z";  // 20:10 in Chicago
  Deliver(out);
  Deliver(Status(order, "out_for_delivery"));
  SendAll();
  const auto texts = sms_.Messages();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1].body,
            "Veta Hut: Bestellung Nr. 7 ist unterwegs mit Sam, Ankunft gegen 20:10 Uhr.");
}

TEST_F(NotificationServiceTest, LowStockGoesToTheStoresManagersByEmailAndInApp) {
  customers_.managers = {{"stf_1", "m1@example.test", "Mia", "+13125550111", true, false},
                         {"stf_2", "m2@example.test", "Max", "+13125550112", true, false}};
  for (const auto& m : customers_.managers) customers_.contacts[m.customer_id] = m;
  Prefer("stf_2", "de", {true, true, true});  // SMS chosen, but low stock never goes by SMS
  kitchen::events::LowStock low{
      kStore, "pepperoni", "Pepperoni", "g", 450, 500, core::FormatRfc3339(clock_.Now())};
  Deliver(low);
  SendAll();
  EXPECT_EQ(Count("notification = 'low_stock' AND channel = 'email'"), 2);
  EXPECT_EQ(Count("notification = 'low_stock' AND channel = 'in_app'"), 2);
  EXPECT_EQ(Count("channel = 'sms'"), 0);
  ASSERT_EQ(smtp_.Messages().size(), 2u);
  bool german = false;
  for (const auto& m : smtp_.Messages())
    german =
        german || m.data.find(EncodeHeaderWords("Niedriger Bestand bei Veta Hut Loop: Pepperoni",
                                                " ")) != std::string::npos;
  EXPECT_TRUE(german);
}

TEST_F(NotificationServiceTest, AResetLinkGoesByEmailOnlyAndIsNotKeptOnceSent) {
  Prefer("cus_ana", "en", {false, true, false});  // SMS only for orders: security mail still goes
  customer::events::PasswordResetRequested reset{"cus_ana", "ana@example.test", "Ana",
                                                 "/reset-password?token=SECRET123"};
  Deliver(reset);
  SendAll();
  ASSERT_EQ(smtp_.Messages().size(), 1u);
  EXPECT_NE(
      smtp_.Messages()[0].data.find("https://order.vetahut.test/reset-password?token=3DSECRET123"),
      std::string::npos)
      << smtp_.Messages()[0].data;
  EXPECT_TRUE(sms_.Messages().empty());
  EXPECT_EQ(Count("body_text LIKE '%SECRET123%' OR body_html LIKE '%SECRET123%'"), 0)
      << "scrubbed once sent";
  const std::string logged = NotificationService::DeliveryJson(Log()[0]);
  EXPECT_EQ(logged.find("SECRET123"), std::string::npos) << logged;
}

TEST_F(NotificationServiceTest, PreferencesAreCheckedAndABadDocumentChangesNothing) {
  Prefer("cus_ana", "es", {true, false, true});
  Preferences none;
  none.transactional = {};
  auto refused = service_->PutPreferences("cus_ana", none);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "channels");
  Preferences sms_without_phone;
  sms_without_phone.transactional = {true, true, false};
  auto no_phone = service_->PutPreferences("cus_bo", sms_without_phone);
  ASSERT_FALSE(no_phone);
  EXPECT_EQ(no_phone.error().fields.at(0).field, "channels.sms");
  Preferences french;
  french.locale = "fr";
  EXPECT_EQ(service_->PutPreferences("cus_ana", french).error().fields.at(0).field, "locale");
  EXPECT_EQ(service_->GetPreferences("cus_ana").locale, "es");
  EXPECT_EQ(service_->GetPreferences("cus_ana").transactional, (ChannelSet{true, false, true}));
  EXPECT_EQ(service_->GetPreferences("cus_bo"), Preferences{}) << "untouched: the defaults";
}

TEST_F(NotificationServiceTest, InAppItemsAreReadOnceAndTheStreamSeesThem) {
  auto stream = http::EventStream::Create();
  service_->Follow("cus_ana", stream, "");
  Deliver(Confirmed());
  SendAll();
  std::string out;
  stream->Drain(out);
  EXPECT_NE(out.find("event: unread\ndata: {\"unread\":0}"), std::string::npos) << out;
  EXPECT_NE(out.find("event: notification"), std::string::npos) << out;
  auto items = *service_->ListInbox("cus_ana", 10, "", true);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(service_->Unread("cus_ana"), 1);
  auto read = service_->MarkRead("cus_ana", items[0].id);
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->read_at);
  EXPECT_EQ(service_->Unread("cus_ana"), 0);
  EXPECT_EQ(service_->MarkRead("cus_bo", items[0].id).error().code, core::ErrorCode::kNotFound)
      << "not theirs";
  // Reconnecting after the first item: only what came later is replayed.
  Deliver(Status(Confirmed(), "ready"));
  SendAll();
  auto again = http::EventStream::Create();
  service_->Follow("cus_ana", again, items[0].id);
  std::string replay;
  again->Drain(replay);
  EXPECT_NE(replay.find("is ready"), std::string::npos) << replay;
  EXPECT_EQ(replay.find("is confirmed"), std::string::npos) << replay;
}

TEST_F(NotificationServiceTest, AChannelSwitchedOffInTheConfigurationIsNotPlanned) {
  Build({}, /*sms_on=*/false);
  Prefer("cus_ana", "en", {true, true, false});
  Deliver(Confirmed());
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(Count("channel = 'sms'"), 0);
}

TEST_F(NotificationServiceTest, TheLogKeepsFinishedDeliveriesForTheRetentionPeriodOnly) {
  Prefer("cus_ana", "en", {true, false, true});
  Deliver(Confirmed());
  SendAll();
  ASSERT_EQ(Count("status = 'sent'"), 2);
  const auto item = service_->ListInbox("cus_ana", 10, "", false)->at(0);
  ASSERT_TRUE(service_->MarkRead("cus_ana", item.id));
  smtp_.FailNext("RCPT", 100, "451 4.3.0 later");
  Deliver(Status(Confirmed(), "ready"));  // its email keeps failing: not finished
  service_->SendDue();
  ASSERT_EQ(Count("status = 'sent'"), 3);
  clock_.Advance(hours(24 * 91));
  EXPECT_EQ(service_->Purge(hours(24 * 90)), 3);
  EXPECT_EQ(Count("status = 'sent'"), 0);
  EXPECT_EQ(Count("status = 'failed'"), 1) << "a message still being tried is kept";
  EXPECT_EQ(service_->ListInbox("cus_ana", 10, "", false)->size(), 1u) << "an unread item is kept";
}

}  // namespace
}  // namespace vetahut::notification
