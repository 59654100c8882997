#include "workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace vetahut::loadgen {
namespace {

// The sandbox provider's always-approved test card (Stripe's 4242…), sent only to the tokenize
// endpoint as a customer's browser would; never a real card, never printed.
constexpr const char* kSandboxCardBody =
    R"({"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"})";

namespace json = boost::json;
using std::chrono::milliseconds;

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::vector<std::string> Auth(const std::string& token, bool json_body = true) {
  std::vector<std::string> h;
  if (!token.empty()) h.push_back("Authorization: Bearer " + token);
  if (json_body) h.push_back("Content-Type: application/json");
  return h;
}

/// The problem+json detail (or the first field error) of an answer, short, for error kinds.
std::string ProblemOf(const HttpResponse& r) {
  std::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return "";
  const auto& o = v.as_object();
  if (const auto* errors = o.if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty()) {
    const auto& e = errors->as_array()[0];
    if (e.is_object() && e.as_object().contains("field") && e.as_object().contains("message")) {
      return fmt::format("{}: {}", json::value_to<std::string>(e.at("field")),
                         json::value_to<std::string>(e.at("message")));
    }
  }
  for (const char* k : {"detail", "error_description", "title"}) {
    if (const auto* d = o.if_contains(k); d && d->is_string())
      return std::string(d->as_string()).substr(0, 100);
  }
  return "";
}

std::optional<json::object> BodyObject(const HttpResponse& r) {
  std::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string Str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// One pizza (or other product) line of a cart being built.
struct Line {
  std::string product;
  std::string size;
  int quantity = 1;
  std::vector<std::pair<std::string, std::string>> toppings;  // topping, portion
};

class Run;

/// One customer's visit: find a store, read its menu, build and quote, pay, place, follow.
struct Session {
  int id = 0;
  bool customer = true;  // signed in; else a guest (guest checkout: a card, a tracking link)
  bool card = true;
  bool coupon = false;
  bool returning = true;
  std::string token;
  int store = -1;
  std::vector<Line> cart;
  int quotes_left = 0;
  std::string card_token;
  std::string order_id;
  std::string tracking_key;  // a guest follows the order by its tracking link
  Time placed{};
  bool handed_over = false;
};

struct StoreActor {
  std::string id;
  std::string cook_token;
  std::unordered_set<std::string> working;  // tickets a bump is scheduled or in flight for
  std::unordered_set<std::string> done;     // handed off
};

class Run {
 public:
  Run(const Scenario& sc, const RunOptions& opt)
      : sc_(sc),
        opt_(opt),
        engine_(opt.base_url, sc.limits.connections, milliseconds(sc.limits.request_timeout_ms)),
        recorder_(Clock::now()),
        rng_(sc.seed) {
    run_tag_ = fmt::format(
        "{:x}",
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) &
            0xffffffffff);
  }

  std::string Setup();
  void Go();
  RunOutcome Finish();

 private:
  // --- setup helpers ---
  HttpResponse Call(HttpRequest req) {
    HttpResponse out;
    engine_.Send(std::move(req), Clock::now(), [&out](HttpResponse& r) { out = std::move(r); });
    engine_.Run(Clock::now() + std::chrono::seconds(60));
    return out;
  }
  std::string Expect(const HttpResponse& r, int status, std::string_view what) {
    if (r.status == status) return "";
    if (r.status == 0) return fmt::format("{}: {}", what, r.transport_error);
    return fmt::format("{}: answered {} (expected {}): {}", what, r.status, status,
                       r.body.substr(0, 400));
  }
  std::string Token(const std::string& form, std::string& out, std::string_view what) {
    auto r = Call(
        {"POST", "/api/v1/auth/token", {"Content-Type: application/x-www-form-urlencoded"}, form});
    if (auto e = Expect(r, 200, what); !e.empty()) return e;
    auto o = BodyObject(r);
    out = o ? Str(*o, "access_token") : "";
    return out.empty() ? fmt::format("{}: no access_token in the answer", what) : "";
  }

  // --- the run ---
  int Uniform(IntRange r) { return std::uniform_int_distribution<int>(r.min, r.max)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  }
  Time Think(Time after) { return after + milliseconds(Uniform(sc_.session.think_ms)); }

  /// Records the answer; false (and an error of its kind) unless its status is `ok`.
  bool Check(std::string_view step, const HttpResponse& r, std::initializer_list<int> ok) {
    if (r.status == 0) {
      recorder_.Error(step, r.transport_error);
      return false;
    }
    recorder_.Answered(step, r);
    if (std::find(ok.begin(), ok.end(), r.status) != ok.end()) return true;
    const std::string detail = ProblemOf(r);
    recorder_.Error(step, detail.empty() ? fmt::format("http {}", r.status)
                                         : fmt::format("http {} ({})", r.status, detail));
    return false;
  }

  void StartSession(int id, Time at);
  void FindStore(std::shared_ptr<Session> s, Time at);
  void ReadMenu(std::shared_ptr<Session> s, Time at);
  void SendQuote(std::shared_ptr<Session> s, Time at);
  void CardToken(std::shared_ptr<Session> s, Time at);
  void Place(std::shared_ptr<Session> s, Time at);
  void Track(std::shared_ptr<Session> s, Time at);
  void End(const std::shared_ptr<Session>& s, bool ok);
  void ChangeCart(Session& s);
  json::object CartJson(const Session& s);

  void Poll(int store, Time at);
  void Bump(int store, std::string ticket, std::string status, Time at);
  void PublishMenu(Time at);
  /// Judges a menu read against the publish: an old ETag on a read sent past the deadline is an
  /// error.
  void JudgeMenuRead(std::string_view step, const HttpResponse& r, const std::string& seen);
  /// A client with the menu open, revalidating every `menu_publish.watch_ms`.
  void Watch(int store, Time at);
  void Progress(Time at);
  bool Finished() const { return started_ == scheduled_ && active_ == 0; }

  const Scenario& sc_;
  const RunOptions& opt_;
  HttpEngine engine_;
  Recorder recorder_;
  std::mt19937_64 rng_;
  std::string run_tag_;
  std::string admin_;
  std::vector<StoreActor> stores_;
  std::unordered_map<std::string, int> store_index_;
  std::vector<std::string> customers_;
  std::string menu_doc_;
  std::unordered_map<std::string, Time>
      handed_off_at_;  // order → when the cook's hand-over bump was answered
  std::unordered_set<std::string>
      tracker_first_;  // orders whose tracker heard of the hand-over before the bump's answer came
  std::unordered_map<std::string, std::string> etag_;  // store → the ETag returning visitors hold
  std::vector<RatePhase> phases_;
  Time start_{};
  std::uint64_t scheduled_ = 0, started_ = 0;
  int active_ = 0;
  Report report_;
  // Menu publish.
  std::set<std::string> old_etags_;
  std::unordered_map<std::string, std::string> watch_etag_;  // store → the watcher's ETag
  bool publish_requested_ = false;
  Time publish_requested_at_{}, publish_answered_{};
};

std::string Run::Setup() {
  if (auto e = Token(fmt::format("grant_type=password&username={}&password={}",
                                 UrlEncode(opt_.admin_email), UrlEncode(opt_.admin_password)),
                     admin_, "signing in as the admin " + opt_.admin_email);
      !e.empty()) {
    return e;
  }
  std::string week;
  for (const char* day :
       {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}) {
    week += fmt::format("{}{{\"day\":\"{}\",\"open\":\"00:00\",\"close\":\"24:00\"}}",
                        week.empty() ? "" : ",", day);
  }
  for (int i = 0; i < sc_.stores.count; ++i) {
    json::object body{{"name", fmt::format("Loadgen {} {} {}", sc_.name, run_tag_, i + 1)},
                      {"address",
                       {{"line1", "233 S Wacker Dr"},
                        {"city", "Chicago"},
                        {"region", "IL"},
                        {"postal_code", "60606"},
                        {"country", "US"}}},
                      {"latitude", sc_.stores.latitude + 0.001 * i},
                      {"longitude", sc_.stores.longitude},
                      {"timezone", "America/Chicago"},
                      {"phone", "+13125550199"},
                      {"services", json::array{"carryout"}},
                      {"currency", "USD"},
                      {"locale", "en-US"}};
    auto r = Call({"POST", "/api/v1/stores", Auth(admin_), json::serialize(body)});
    if (auto e = Expect(r, 201, "creating a store"); !e.empty()) return e;
    StoreActor st;
    st.id = Str(*BodyObject(r), "id");
    r = Call({"PUT", "/api/v1/stores/" + st.id + "/hours", Auth(admin_),
              fmt::format("{{\"carryout\":{{\"weekly\":[{}]}}}}", week)});
    if (auto e = Expect(r, 200, "opening the store around the clock"); !e.empty()) return e;
    r = Call({"PUT", "/api/v1/stores/" + st.id + "/tax", Auth(admin_),
              R"({"mode":"exclusive","rates":{"food":8875,"beverage":8875}})"});
    if (auto e = Expect(r, 204, "setting the store's tax"); !e.empty()) return e;
    // The store's cook (works the tickets).
    const std::string cook = fmt::format("cook-{}-{}@loadgen.vetahut.test", run_tag_, i + 1);
    r = Call({"POST", "/api/v1/admin/users", Auth(admin_),
              json::serialize(json::object{
                  {"email", cook},
                  {"password", "loadgen-cook-password"},
                  {"name", fmt::format("Cook {}", i + 1)},
                  {"phone", "+13125550100"},
                  {"roles", json::array{json::object{{"role", "cook"}, {"store_id", st.id}}}}})});
    if (auto e = Expect(r, 201, "adding the store's cook"); !e.empty()) return e;
    if (auto e = Token(fmt::format("grant_type=password&username={}&password=loadgen-cook-password",
                                   UrlEncode(cook)),
                       st.cook_token, "signing in as the cook");
        !e.empty()) {
      return e;
    }
    store_index_[st.id] = i;
    stores_.push_back(std::move(st));
  }
  for (int i = 0; i < sc_.session.customers; ++i) {
    const std::string email = fmt::format("customer-{}-{}@loadgen.vetahut.test", run_tag_, i + 1);
    auto r = Call({"POST", "/api/v1/auth/register", Auth(""),
                   json::serialize(json::object{{"email", email},
                                                {"password", "loadgen-customer-password"},
                                                {"name", fmt::format("Customer {}", i + 1)},
                                                {"phone", "+13125550111"}})});
    if (auto e = Expect(r, 201, "registering a customer"); !e.empty()) return e;
    std::string token;
    if (auto e =
            Token(fmt::format("grant_type=password&username={}&password=loadgen-customer-password",
                              UrlEncode(email)),
                  token, "signing in as a customer");
        !e.empty()) {
      return e;
    }
    customers_.push_back(token);
  }
  if (sc_.menu_publish) {
    if (opt_.menu_file.empty())
      return "the scenario publishes a menu: give the menu document with --menu-file";
    std::ifstream in(opt_.menu_file);
    if (!in) return "cannot read the menu file " + opt_.menu_file;
    std::stringstream text;
    text << in.rdbuf();
    std::error_code ec;
    json::value doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object()) return "the menu file " + opt_.menu_file + " is not a JSON object";
    doc.as_object()["currency"] = sc_.menu_publish->market;
    menu_doc_ = json::serialize(doc);
  }
  engine_.ClearSendLag();
  return "";
}

void Run::Go() {
  phases_ = sc_.phases;
  const auto arrivals = ArrivalTimes(phases_, sc_.process, sc_.seed);
  const double window = TotalSeconds(phases_);
  start_ = Clock::now() + milliseconds(200);
  recorder_ = Recorder(start_);
  scheduled_ = arrivals.size();
  report_.sessions_scheduled = scheduled_;
  report_.window_s = window;
  report_.scheduled_mean_rate = window > 0 ? static_cast<double>(scheduled_) / window : 0;
  for (const auto& p : phases_)
    report_.scheduled_peak_rate = std::max({report_.scheduled_peak_rate, p.from_rate, p.to_rate});
  int id = 0;
  for (double t : arrivals) {
    const Time at =
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
    recorder_.Count("sessions scheduled", at);
    engine_.At(at, [this, at, n = ++id] { StartSession(n, at); });
  }
  for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
    const Time at = start_ + milliseconds(sc_.kitchen.poll_ms * i /
                                          std::max<int>(1, static_cast<int>(stores_.size())));
    engine_.At(at, [this, i, at] { Poll(i, at); });
  }
  if (sc_.menu_publish && sc_.menu_publish->watch_ms > 0) {
    for (int i = 0; i < static_cast<int>(stores_.size()); ++i) {
      const Time at = start_ + milliseconds(sc_.menu_publish->watch_ms * i /
                                            std::max<int>(1, static_cast<int>(stores_.size())));
      engine_.At(at, [this, i, at] { Watch(i, at); });
    }
  }
  if (sc_.menu_publish) {
    const Time at = start_ + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(sc_.menu_publish->at_s));
    engine_.At(at, [this, at] { PublishMenu(at); });
  }
  if (opt_.progress)
    engine_.At(start_ + std::chrono::seconds(5),
               [this] { Progress(start_ + std::chrono::seconds(5)); });
  const Time deadline =
      start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(window)) +
      std::chrono::seconds(sc_.limits.drain_s);
  engine_.Run(deadline);
}

void Run::Progress(Time at) {
  if (Finished()) return;
  std::uint64_t errors = 0;
  for (const auto& [k, n] : recorder_.errors()) errors += n;
  std::cerr << fmt::format(
      "  {:>5.0f} s: sessions started {}/{}, in progress {}, handed over {}, errors {}\n",
      std::chrono::duration<double>(at - start_).count(), started_, scheduled_, active_,
      report_.handed_over, errors);
  engine_.At(at + std::chrono::seconds(5),
             [this, next = at + std::chrono::seconds(5)] { Progress(next); });
}

void Run::StartSession(int id, Time at) {
  auto s = std::make_shared<Session>();
  s->id = id;
  s->customer = Chance(sc_.session.customer_share);
  // A guest pays by card (decision 0028: nobody can be held to an unpaid guest order).
  s->card = !s->customer || Chance(sc_.session.card_share);
  s->coupon = Chance(sc_.session.coupon_share);
  s->returning = Chance(sc_.session.returning_share);
  s->quotes_left = Uniform(sc_.session.quotes);
  if (s->customer) s->token = Pick(customers_);
  ++started_;
  ++active_;
  recorder_.Count("sessions started", Clock::now());
  FindStore(std::move(s), at);
}

void Run::End(const std::shared_ptr<Session>& s, bool ok) {
  --active_;
  if (!ok) ++report_.sessions_failed;
  (void)s;
}

void Run::FindStore(std::shared_ptr<Session> s, Time at) {
  const double lat =
      sc_.stores.latitude + 0.0005 * std::uniform_int_distribution<int>(0, sc_.stores.count)(rng_);
  engine_.Send({"GET",
                fmt::format("/api/v1/stores?lat={:.5f}&lon={:.5f}&limit={}", lat,
                            sc_.stores.longitude, std::min(sc_.stores.count, 20)),
                {},
                ""},
               at, [this, s](HttpResponse& r) {
                 if (!Check("stores.find", r, {200})) return End(s, false);
                 std::vector<int> found;
                 if (auto o = BodyObject(r);
                     o && o->contains("items") && o->at("items").is_array()) {
                   for (const auto& item : o->at("items").as_array()) {
                     if (!item.is_object()) continue;
                     auto it = store_index_.find(Str(item.as_object(), "id"));
                     if (it != store_index_.end()) found.push_back(it->second);
                   }
                 }
                 if (found.empty()) {
                   recorder_.Error("stores.find", "none of the run's stores in the answer");
                   return End(s, false);
                 }
                 s->store = Pick(found);
                 ReadMenu(s, Think(r.done));
               });
}

void Run::ReadMenu(std::shared_ptr<Session> s, Time at) {
  const std::string& store = stores_[static_cast<std::size_t>(s->store)].id;
  HttpRequest req{"GET", "/api/v1/stores/" + store + "/menu", {"Accept-Encoding: gzip"}, ""};
  std::string held;
  if (s->returning) {
    if (auto it = etag_.find(store); it != etag_.end()) held = it->second;
  }
  if (!held.empty()) req.headers.push_back("If-None-Match: " + held);
  engine_.Send(std::move(req), at, [this, s, store, held](HttpResponse& r) {
    if (!Check("menu.read", r, {200, 304})) return End(s, false);
    const std::string seen = r.status == 304 ? (r.etag.empty() ? held : r.etag) : r.etag;
    if (seen.empty()) {
      recorder_.Error("menu.read", "no ETag on the menu");
      return End(s, false);
    }
    if (r.status == 200) etag_[store] = seen;
    JudgeMenuRead("menu.read", r, seen);
    // The first cart: one line; coupon carts hold two pizzas so the coupon's minimum is met.
    s->cart.push_back(
        Line{Pick(sc_.session.products), Pick(sc_.session.sizes), s->coupon ? 2 : 1, {}});
    if (s->quotes_left > 0) return SendQuote(s, Think(r.done));
    if (s->card) return CardToken(s, Think(r.done));
    Place(s, Think(r.done));
  });
}

void Run::ChangeCart(Session& s) {
  Line& line = s.cart[std::uniform_int_distribution<std::size_t>(0, s.cart.size() - 1)(rng_)];
  switch (std::uniform_int_distribution<int>(0, 5)(rng_)) {
    case 0:
      line.size = Pick(sc_.session.sizes);
      break;
    case 1:
    case 2: {  // add a topping (whole or on one half), or change where one goes
      static const std::vector<std::string> kPortions{"whole", "left", "right"};
      const std::string& topping = Pick(sc_.session.toppings);
      auto it = std::find_if(line.toppings.begin(), line.toppings.end(),
                             [&](const auto& t) { return t.first == topping; });
      if (it != line.toppings.end()) {
        it->second = Pick(kPortions);
      } else if (line.toppings.size() < 5) {
        line.toppings.emplace_back(topping, Pick(kPortions));
      }
      break;
    }
    case 3:
      if (!line.toppings.empty()) line.toppings.pop_back();
      break;
    case 4:
      line.quantity = std::uniform_int_distribution<int>(s.coupon ? 2 : 1, 3)(rng_);
      break;
    default:
      if (s.cart.size() < 3) {
        s.cart.push_back(Line{Pick(sc_.session.products), Pick(sc_.session.sizes), 1, {}});
      } else {
        line.product = Pick(sc_.session.products);
      }
  }
}

json::object Run::CartJson(const Session& s) {
  json::array items;
  for (const auto& line : s.cart) {
    json::array toppings;
    for (const auto& [t, portion] : line.toppings)
      toppings.push_back(json::object{{"topping_id", t}, {"portion", portion}});
    items.push_back(json::object{{"product_id", line.product},
                                 {"size", line.size},
                                 {"quantity", line.quantity},
                                 {"toppings", std::move(toppings)}});
  }
  json::object o{{"store_id", stores_[static_cast<std::size_t>(s.store)].id},
                 {"type", "carryout"},
                 {"items", std::move(items)}};
  if (s.coupon) o["coupon_code"] = sc_.session.coupon;
  return o;
}

void Run::SendQuote(std::shared_ptr<Session> s, Time at) {
  ChangeCart(*s);
  --s->quotes_left;
  engine_.Send({"POST", "/api/v1/quotes", Auth(s->token), json::serialize(CartJson(*s))}, at,
               [this, s](HttpResponse& r) {
                 if (!Check("quote", r, {200})) return End(s, false);
                 if (s->quotes_left > 0) return SendQuote(s, Think(r.done));
                 if (s->card) return CardToken(s, Think(r.done));
                 Place(s, Think(r.done));
               });
}

void Run::CardToken(std::shared_ptr<Session> s, Time at) {
  engine_.Send({"POST", s->customer ? "/api/v1/payments/tokens" : "/api/v1/guest/payments/tokens",
                Auth(s->token), kSandboxCardBody},
               at, [this, s](HttpResponse& r) {
                 if (!Check("card.token", r, {201})) return End(s, false);
                 auto o = BodyObject(r);
                 s->card_token = o ? Str(*o, "token") : "";
                 if (s->card_token.empty()) {
                   recorder_.Error("card.token", "no token in the answer");
                   return End(s, false);
                 }
                 Place(s, Think(r.done));
               });
}

void Run::Place(std::shared_ptr<Session> s, Time at) {
  json::object body = CartJson(*s);
  if (s->card) {
    body["payment"] = json::object{{"method", "card"}, {"token", s->card_token}};
  } else {
    body["payment"] = json::object{{"method", "pay_at_store"}};
  }
  if (!s->customer) {
    body["contact"] = json::object{{"name", fmt::format("Guest {}", s->id)},
                                   {"email", fmt::format("guest-{}-{}@loadgen.vetahut.test", run_tag_, s->id)},
                                   {"phone", "+13125550199"}};
  }
  auto headers = Auth(s->token);
  headers.push_back(fmt::format("Idempotency-Key: loadgen-{}-{}", run_tag_, s->id));
  engine_.Send({"POST", s->customer ? "/api/v1/orders" : "/api/v1/guest/orders", std::move(headers),
                json::serialize(body)},
               at,
               [this, s](HttpResponse& r) {
                 if (!Check("order.place", r, {201})) return End(s, false);
                 auto o = BodyObject(r);
                 s->order_id = o ? Str(*o, "id") : "";
                 s->tracking_key = o ? Str(*o, "tracking_key") : "";
                 const std::string status = o ? Str(*o, "status") : "";
                 if (!s->customer && s->tracking_key.empty()) {
                   recorder_.Error("order.place", "a guest order without its tracking key");
                   return End(s, false);
                 }
                 if (s->order_id.empty() || status != "confirmed") {
                   recorder_.Error("order.place",
                                   fmt::format("placed as '{}', not confirmed", status));
                   return End(s, false);
                 }
                 s->placed = r.done;
                 ++report_.orders_placed;
                 if (!s->customer) ++report_.guest_orders;
                 recorder_.Count("orders placed", r.done);
                 // The tracker opens at once: the confirmation page follows the order.
                 Track(s, r.done);
               });
}

void Run::Track(std::shared_ptr<Session> s, Time at) {
  // A customer follows the order as its owner; a guest through the tracking link.
  HttpRequest req{"GET",
                  s->customer ? "/api/v1/orders/" + s->order_id + "/events"
                              : "/api/v1/tracking/" + s->tracking_key + "/events",
                  Auth(s->token, false), ""};
  req.headers.push_back("Accept: text/event-stream");
  engine_.Stream(
      std::move(req), at, std::chrono::seconds(sc_.session.track_timeout_s),
      [this, s](std::string_view event, std::string_view data) {
        if (event != "status") return true;
        std::error_code ec;
        json::value v = json::parse(data, ec);
        const std::string status = !ec && v.is_object() ? Str(v.as_object(), "status") : "";
        if (status == "picked_up" || status == "served" || status == "delivered") {
          if (!s->handed_over) {
            s->handed_over = true;
            const Time now = Clock::now();
            report_.handover.Record(
                std::chrono::duration_cast<std::chrono::microseconds>(now - s->placed).count());
            ++report_.handed_over;
            recorder_.Count("handed over", now);
            // How long the customer's tracker lagged the cook's hand-over (the event path:
            // kitchen outbox → bus → order → tracker); negative when the event beat the answer.
            if (auto it = handed_off_at_.find(s->order_id); it != handed_off_at_.end()) {
              report_.handoff_to_tracker.Record(
                  std::chrono::duration_cast<std::chrono::microseconds>(now - it->second).count());
              handed_off_at_.erase(it);
            } else {
              tracker_first_.insert(s->order_id);
            }
          }
        } else if (status == "cancelled" || status == "rejected") {
          recorder_.Error("order.track", "order " + status);
        }
        return true;
      },
      [this, s](HttpResponse& r) {
        if (r.status != 200) {
          Check("order.track", r, {200});
          return End(s, false);
        }
        recorder_.Answered("order.track", r);
        if (!s->handed_over) {
          recorder_.Error("order.track", r.transport_error.empty()
                                             ? "stream ended before the hand-over"
                                             : "no hand-over (" + r.transport_error + ")");
          return End(s, false);
        }
        End(s, true);
      });
}

void Run::Poll(int i, Time at) {
  if (Finished()) return;
  StoreActor& st = stores_[static_cast<std::size_t>(i)];
  // New tickets only: each one's later steps follow from its bump answers, as a cook keeps the
  // tickets in hand; listing every open ticket on every look would be the load, not the kitchen.
  engine_.Send(
      {"GET", "/api/v1/stores/" + st.id + "/kitchen/tickets?status=queued&limit=500",
       Auth(st.cook_token, false), ""},
      at, [this, i](HttpResponse& r) {
        if (!Check("kitchen.list", r, {200})) return;
        auto o = BodyObject(r);
        if (!o || !o->contains("tickets") || !o->at("tickets").is_array()) {
          recorder_.Error("kitchen.list", "no tickets array");
          return;
        }
        StoreActor& st = stores_[static_cast<std::size_t>(i)];
        for (const auto& t : o->at("tickets").as_array()) {
          if (!t.is_object()) continue;
          const std::string id = Str(t.as_object(), "id");
          const std::string status = Str(t.as_object(), "status");
          if (status != "queued" && status != "making" && status != "in_oven" && status != "ready")
            continue;
          if (st.working.count(id) || st.done.count(id)) continue;
          st.working.insert(id);
          const Time bump_at = r.done + milliseconds(Uniform(sc_.kitchen.bump_ms));
          engine_.At(bump_at, [this, i, id, status, bump_at] { Bump(i, id, status, bump_at); });
        }
      });
  // The cook looks again on the clock, whatever the last look took (open loop).
  const Time next = at + milliseconds(sc_.kitchen.poll_ms);
  engine_.At(next, [this, i, next] { Poll(i, next); });
}

void Run::Bump(int i, std::string ticket, std::string status, Time at) {
  StoreActor& st = stores_[static_cast<std::size_t>(i)];
  // Each bump moves every item one station on; a ready ticket is handed over at the pass.
  const std::string body = status == "ready" ? R"({"station":"expo"})" : "{}";
  engine_.Send({"POST", "/api/v1/kitchen/tickets/" + ticket + "/bump", Auth(st.cook_token), body},
               at, [this, i, ticket](HttpResponse& r) {
                 StoreActor& st = stores_[static_cast<std::size_t>(i)];
                 if (!Check("kitchen.bump", r, {200})) {
                   st.working.erase(ticket);  // the next look picks it up again
                   return;
                 }
                 auto o = BodyObject(r);
                 const std::string now = o ? Str(*o, "status") : "";
                 if (now == "handed_off") {
                   const std::string order = Str(*o, "order_id");
                   if (tracker_first_.erase(order)) {
                     report_.handoff_to_tracker.Record(0);  // the event beat the bump's own answer
                   } else {
                     handed_off_at_[order] = r.done;
                   }
                 }
                 if (now == "handed_off" || now == "voided" || now.empty()) {
                   st.working.erase(ticket);
                   st.done.insert(ticket);
                   return;
                 }
                 const Time next = r.done + milliseconds(Uniform(sc_.kitchen.bump_ms));
                 engine_.At(next, [this, i, ticket, now, next] { Bump(i, ticket, now, next); });
               });
}

void Run::JudgeMenuRead(std::string_view step, const HttpResponse& r, const std::string& seen) {
  if (!publish_requested_) {
    old_etags_.insert(seen);
    return;
  }
  // Reads sent before the publish answered may see either version: only later ones are judged.
  if (publish_answered_ == Time{} || r.intended < publish_answered_) return;
  const double after_ms =
      std::chrono::duration<double, std::milli>(r.intended - publish_answered_).count();
  const bool late = after_ms > sc_.menu_publish->deadline_ms;
  if (late) ++report_.checked_after_deadline;
  if (old_etags_.count(seen)) {
    report_.last_old_etag_ms = std::max(report_.last_old_etag_ms, after_ms);
    if (late) {
      ++report_.stale_after_deadline;
      recorder_.Error(step, fmt::format("old ETag {} ms after the publish (deadline {} ms)",
                                        static_cast<int>(after_ms), sc_.menu_publish->deadline_ms));
    }
  } else if (report_.first_new_etag_ms < 0) {
    report_.first_new_etag_ms =
        std::chrono::duration<double, std::milli>(r.done - publish_answered_).count();
  }
}

void Run::Watch(int i, Time at) {
  if (Finished()) return;
  const std::string& store = stores_[static_cast<std::size_t>(i)].id;
  HttpRequest req{"GET", "/api/v1/stores/" + store + "/menu", {"Accept-Encoding: gzip"}, ""};
  const std::string held = watch_etag_[store];
  if (!held.empty()) req.headers.push_back("If-None-Match: " + held);
  engine_.Send(std::move(req), at, [this, store, held](HttpResponse& r) {
    if (!Check("menu.watch", r, {200, 304})) return;
    const std::string seen = r.status == 304 ? (r.etag.empty() ? held : r.etag) : r.etag;
    if (seen.empty()) return recorder_.Error("menu.watch", "no ETag on the menu");
    if (r.status == 200) watch_etag_[store] = seen;
    JudgeMenuRead("menu.watch", r, seen);
  });
  // An open app revalidating on a clock, whatever the last answer took.
  const Time next = at + milliseconds(sc_.menu_publish->watch_ms);
  engine_.At(next, [this, i, next] { Watch(i, next); });
}

void Run::PublishMenu(Time at) {
  const std::string market = sc_.menu_publish->market;
  engine_.Send({"PUT", "/api/v1/menu/" + market + "/draft", Auth(admin_), menu_doc_}, at,
               [this, market](HttpResponse& r) {
                 if (!Check("menu.draft", r, {200})) return;
                 publish_requested_ = true;
                 publish_requested_at_ = Clock::now();
                 engine_.Send(
                     {"POST", "/api/v1/menu/" + market + "/publish", Auth(admin_, false), ""},
                     r.done, [this](HttpResponse& p) {
                       if (!Check("menu.publish", p, {200})) return;
                       publish_answered_ = p.done;
                       report_.published = true;
                       report_.publish_at_s =
                           std::chrono::duration<double>(p.done - start_).count();
                     });
               });
}

RunOutcome Run::Finish() {
  RunOutcome out;
  Report& r = report_;
  r.scenario = sc_.name;
  r.base_url = opt_.base_url;
  r.sessions_started = started_;
  r.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
  std::vector<std::int64_t> lag = engine_.SendLagMicros();
  if (!lag.empty()) {
    std::sort(lag.begin(), lag.end());
    r.send_lag_p99_us = lag[std::min(
        lag.size() - 1, static_cast<std::size_t>(0.99 * static_cast<double>(lag.size())))];
    r.send_lag_max_us = lag.back();
  }
  if (started_ < scheduled_)
    recorder_.Error("session", fmt::format("{} sessions never started (the run hit its deadline)",
                                           scheduled_ - started_));
  if (active_ > 0)
    recorder_.Error("session", fmt::format("{} sessions still running at the deadline", active_));
  if (sc_.menu_publish && !r.published)
    recorder_.Error("menu.publish", "the menu was not published");
  Summarize(recorder_, r);
  if (!opt_.out_dir.empty()) {
    std::filesystem::create_directories(opt_.out_dir);
    std::ofstream(std::filesystem::path(opt_.out_dir) / "summary.json") << ReportJson(r) << '\n';
    out.chart = WriteChart(recorder_, r, opt_.out_dir, out.chart_note);
  }
  out.report = r;
  return out;
}

}  // namespace

bool IsLoopbackUrl(const std::string& url) {
  for (std::string_view host : {"http://127.0.0.1:", "http://localhost:", "http://[::1]:"}) {
    if (url.starts_with(host)) {
      std::string_view port = std::string_view(url).substr(host.size());
      if (!port.empty() && port.back() == '/') port.remove_suffix(1);
      return !port.empty() && port.size() <= 5 &&
             std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
  }
  return false;
}

RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options) {
  RunOutcome out;
  if (!IsLoopbackUrl(options.base_url)) {
    out.setup_error = "the server must be on this machine's loopback: http://127.0.0.1:PORT (got " +
                      options.base_url + ")";
    return out;
  }
  const Scenario scaled = ScaledScenario(scenario, options.time_scale, options.rate_scale);
  Run run(scaled, options);
  if (auto e = run.Setup(); !e.empty()) {
    out.setup_error = "setup: " + e;
    return out;
  }
  run.Go();
  return run.Finish();
}

}  // namespace vetahut::loadgen
