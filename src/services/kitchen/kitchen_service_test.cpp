// The kitchen service on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL), with
// the real menu service for auto-86 and a manual clock: tickets are created once and consume
// stock, bumps walk them and recall undoes, the stream sends a snapshot then each change once,
// voids leave the screens and return stock, order-aheads fire in time, estimates grow with the
// queue and the customer hears a moved promise, auto-86 switches items off and back on, and a
// driver takes a run.
#include "services/kitchen/kitchen_service.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/kitchen/events.hpp"
#include "services/menu/catalog_json.hpp"
#include "services/menu/menu_service.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using namespace std::chrono;

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }

/// One store in Chicago, as the location service would describe it.
class Stores final : public location::StoreDirectoryClient {
 public:
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    if (id == kStore) return Store();
    return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override { return std::vector{Store()}; }
  static constexpr const char* kStore = "str_loop";

 private:
  static location::StoreSummary Store() {
    return {kStore, "Veta Hut Loop", "USD", "en-US", "America/Chicago", "+13125550100", 41.8781, -87.6359, {}};
  }
};

order::events::Item Pizza(const std::string& size = "large", std::vector<std::string> extra = {}) {
  order::events::Item item{"pepperoni_pizza", "Pepperoni", "pizzas", "pizza", size, size, "hand_tossed", "Hand-tossed",
                           {{"mozzarella", "Mozzarella", "whole", "normal"},
                            {"tomato_sauce", "Tomato sauce", "whole", "normal"},
                            {"pepperoni", "Pepperoni", "whole", "normal"}},
                           {}};
  for (const auto& t : extra) item.toppings.push_back({t, t, "whole", "normal"});
  return item;
}

order::events::Item Cola() {
  return {"cola", "Cola", "drinks", "drink", "bottle_2l", "2-liter bottle", "", "", {}, {}};
}

class KitchenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"kitchen_setups", "kitchen_stores", "kitchen_tickets", "kitchen_bumps", "kitchen_recipe_book",
                          "kitchen_stock", "kitchen_adjustments", "kitchen_auto86", "kitchen_deliveries", "kitchen_drivers",
                          "kitchen_shifts", "kitchen_outbox_lease", "kitchen_outbox", "kitchen_inbox", "menu_versions",
                          "menu_store_settings", "menu_price_overrides", "menu_unavailable", "menu_outbox_lease",
                          "menu_outbox", "menu_inbox"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module IN ('kitchen', 'menu')");
    db::Migrate(*db_, menu::AllMigrations());
    db::Migrate(*db_, AllMigrations());
    menu_ = std::make_unique<menu::MenuService>(*db_, clock_, ids_, stores_, nullptr);
    menu_->Load();
    auto doc = json::parse(menu::DemoMenuJson());
    ASSERT_TRUE(menu_->SaveDraft("USD", doc, "test"));
    ASSERT_TRUE(menu_->Publish("USD", std::nullopt, "test"));
    inventory_ = std::make_unique<InventoryService>(*db_, clock_, ids_, menu_.get(), nullptr);
    inventory_->LoadDemo({Stores::kStore});
    kitchen_ = std::make_unique<KitchenService>(*db_, clock_, ids_, KitchenClients{stores_, nullptr, nullptr}, *inventory_,
                                                KitchenOptions{}, nullptr);
  }

  /// order.confirmed for an ASAP carry-out (or `type`), promised `promise_in` from now.
  order::events::OrderConfirmed Order(std::vector<order::events::Item> items, std::string type = "carryout",
                                      seconds promise_in = minutes(20)) {
    order::events::OrderConfirmed o;
    o.order_id = ids_.Next("ord");
    o.store_id = Stores::kStore;
    o.number = ++number_;
    o.type = std::move(type);
    o.customer_name = "Ada";
    o.channel = "web";
    o.placed_at = core::FormatRfc3339(clock_.Now());
    o.promised_at = core::FormatRfc3339(clock_.Now() + promise_in);
    if (o.type == "delivery") {
      o.ready_by = core::FormatRfc3339(clock_.Now() + promise_in - minutes(15));
      o.address = order::events::DeliveryAddress{41.8820, -87.6278, "1 N State St", "Chicago", ""};
    }
    order::events::Line line;
    line.name = "Order";
    line.items = std::move(items);
    o.lines.push_back(std::move(line));
    return o;
  }

  Ticket Create(const order::events::OrderConfirmed& o) {
    EXPECT_TRUE(kitchen_->CreateTicket(o));
    auto rs = db_->Query("SELECT id FROM kitchen_tickets WHERE order_id = $1", db::Params(o.order_id));
    EXPECT_EQ(rs.size(), 1u);
    return *kitchen_->Get(rs[0].Text("id"));
  }

  double Stock(const std::string& ingredient) {
    return db_->Query("SELECT quantity FROM kitchen_stock WHERE store_id = $1 AND ingredient_id = $2",
                      db::Params(std::string(Stores::kStore), ingredient))[0]
        .Double("quantity");
  }

  /// The outbox events of a type, oldest first, as JSON objects.
  std::vector<json::object> Events(std::string_view type) {
    std::vector<json::object> out;
    for (const auto& r : db_->Query("SELECT envelope FROM kitchen_outbox WHERE type = $1 ORDER BY seq",
                                    db::Params(std::string(type)))) {
      const json::value data = json::parse(r.Text("envelope")).at("data");
      out.push_back(data.is_string() ? json::parse(data.as_string()).as_object() : data.as_object());
    }
    return out;
  }

  /// The SSE messages queued on a stream since the last call: (event, data).
  static std::vector<std::pair<std::string, json::object>> Drain(http::EventStream& stream) {
    std::string text;
    stream.Drain(text);
    std::vector<std::pair<std::string, json::object>> out;
    std::string event;
    for (std::size_t at = 0; at < text.size();) {
      const auto end = text.find('\n', at);
      const std::string line = text.substr(at, end - at);
      at = end + 1;
      if (line.rfind("event: ", 0) == 0) event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) out.emplace_back(event, json::parse(line.substr(6)).as_object());
    }
    return out;
  }

  core::ManualClock clock_{Utc("2026-11-27T00:00:00Z")};  // Thursday 18:00 in Chicago
  core::IdGenerator ids_{clock_};
  Stores stores_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<menu::MenuService> menu_;
  std::unique_ptr<InventoryService> inventory_;
  std::unique_ptr<KitchenService> kitchen_;
  std::int64_t number_ = 0;
};

TEST_F(KitchenServiceTest, ATicketIsCreatedOncePerOrderRoutedToItsStationsAndTakesItsStock) {
  const double dough = Stock("dough_large"), pepperoni = Stock("pepperoni");
  auto order = Order({Pizza(), Pizza(), Cola()});
  order.lines[0].quantity = 1;
  const Ticket t = Create(order);
  ASSERT_TRUE(kitchen_->CreateTicket(order));  // order.confirmed redelivered: nothing new
  EXPECT_EQ(db_->Query("SELECT COUNT(*) AS n FROM kitchen_tickets")[0].Int("n"), 1);
  EXPECT_EQ(t.status, TicketStatus::kQueued);
  ASSERT_EQ(t.items.size(), 3u);
  EXPECT_EQ(t.items[0].route, (std::vector<std::string>{"make", "oven", "cut"}));
  EXPECT_EQ(t.items[2].route, (std::vector<std::string>{"drinks"}));
  EXPECT_DOUBLE_EQ(Stock("dough_large"), dough - 2);
  EXPECT_DOUBLE_EQ(Stock("pepperoni"), pepperoni - 2 * 85);
  // The model's estimate: two large pizzas on a line of two (90 s), the oven (360 s), the cut
  // table of one (20 s each): ready 490 s after it reached the kitchen.
  EXPECT_EQ(t.estimated_ready_at, core::FormatRfc3339(clock_.Now() + seconds(490)));
  const auto created = Events(events::TicketStatusChanged::kType);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].at("status").as_string(), "queued");
}

TEST_F(KitchenServiceTest, ScreensOfOneReplicaShowWhatAnotherChangedAndItsNewEstimates) {
  // The list is read from the open-ticket cache, brought up to date from the tickets whose seq
  // moved: a bump, a new ticket and a hand-over made by the other replica all show; so does an
  // estimate a re-estimate wrote (which does not move the seq) on the replica that wrote it.
  KitchenService other(*db_, clock_, ids_, KitchenClients{stores_, nullptr, nullptr}, *inventory_, KitchenOptions{},
                       nullptr);
  const Ticket first = Create(Order({Pizza()}));
  auto status_in = [&](KitchenService& k, const std::string& id) -> std::optional<TicketStatus> {
    auto list = k.List(Stores::kStore, "", std::nullopt);
    EXPECT_TRUE(list);
    for (const auto& t : *list) {
      if (t.id == id) return t.status;
    }
    return std::nullopt;
  };
  EXPECT_EQ(status_in(other, first.id), TicketStatus::kQueued);
  ASSERT_TRUE(kitchen_->Bump(first.id, "make", std::nullopt, {"usr_cook"}));
  EXPECT_EQ(status_in(other, first.id), TicketStatus::kMaking);
  const Ticket second = Create(Order({Pizza(), Pizza()}));
  EXPECT_EQ(status_in(other, second.id), TicketStatus::kQueued);
  ASSERT_TRUE(kitchen_->VoidForOrder(first.order_id, "cancelled"));
  EXPECT_EQ(status_in(other, first.id), std::nullopt) << "a voided ticket leaves the screen";
  EXPECT_EQ(status_in(other, second.id), TicketStatus::kQueued);

  // Nobody touches the queue for an hour: the re-estimate moves the second ticket's estimate, and
  // this replica's list shows the stored one.
  clock_.Advance(hours(1));
  kitchen_->Reestimate();
  const auto stored = kitchen_->Get(second.id)->estimated_ready_at;
  EXPECT_NE(stored, second.estimated_ready_at);
  auto list = kitchen_->List(Stores::kStore, "", std::nullopt);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().estimated_ready_at, stored);
}

TEST_F(KitchenServiceTest, BumpsWalkATicketThroughItsStationsAndRecallUndoesTheLastOne) {
  const Ticket t = Create(Order({Pizza(), Cola()}));
  const core::TimePoint t0 = clock_.Now();
  auto bump = [&](const std::string& station) { return kitchen_->Bump(t.id, station, std::nullopt, {"usr_cook"}); };
  EXPECT_EQ(bump("make")->status, TicketStatus::kMaking);
  clock_.Advance(seconds(80));
  EXPECT_EQ(bump("make")->status, TicketStatus::kInOven);
  auto wrong = bump("make");  // nothing of it is at the make line any more
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, core::ErrorCode::kConflict);
  clock_.Advance(seconds(360));
  EXPECT_EQ(bump("cut")->status, TicketStatus::kMaking);  // the cola is still to do
  auto recalled = kitchen_->Recall(t.id, {"usr_cook"});
  ASSERT_TRUE(recalled);
  EXPECT_EQ(recalled->status, TicketStatus::kInOven);  // the pizza is back in the oven
  EXPECT_EQ(bump("cut")->status, TicketStatus::kMaking);
  EXPECT_EQ(bump("drinks")->status, TicketStatus::kMaking);
  clock_.Advance(seconds(30));
  auto ready = bump("drinks");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, TicketStatus::kReady);
  EXPECT_TRUE(ready->ready_at);
  auto handed = bump("expo");
  ASSERT_TRUE(handed);
  EXPECT_EQ(handed->status, TicketStatus::kHandedOff);
  EXPECT_FALSE(bump("expo"));
  std::vector<std::string> statuses;
  for (const auto& e : Events(events::TicketStatusChanged::kType)) statuses.emplace_back(e.at("status").as_string());
  EXPECT_EQ(statuses, (std::vector<std::string>{"queued", "making", "in_oven", "making", "in_oven", "making", "ready",
                                                "handed_off"}));

  // The ready event tells each item's times at each station (the recalled cut counted once).
  const auto events = Events(events::TicketStatusChanged::kType);
  EXPECT_TRUE(events[5].at("stations").is_null()) << "only the ready event carries them";
  std::vector<std::string> stays;
  auto at = [&](const json::value& v) {
    return std::to_string((*core::ParseRfc3339(std::string(v.as_string())) - t0) / seconds(1));
  };
  for (const auto& st : events[6].at("stations").as_array()) {
    stays.push_back(fmt::format("{} {} {}{} {}-{}-{}", st.at("item_index").as_int64(), st.at("station").as_string(),
                                st.at("station_name").as_string(), st.at("oven").as_bool() ? " (oven)" : "",
                                at(st.at("arrived_at")), at(st.at("started_at")), at(st.at("done_at"))));
  }
  EXPECT_EQ(stays, (std::vector<std::string>{"0 make Make line 0-0-80", "0 oven Oven (oven) 80-80-440",
                                             "0 cut Cut & box 440-440-440", "1 drinks Drinks 0-440-470"}));
}

TEST_F(KitchenServiceTest, TheStreamSendsASnapshotThenEachChangeOnceAndAVoidLeavesTheScreen) {
  const Ticket first = Create(Order({Pizza()}));
  auto stream = http::EventStream::Create();
  ASSERT_TRUE(kitchen_->Follow(Stores::kStore, "make", 0, stream));
  auto messages = Drain(*stream);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].first, "snapshot");
  const std::int64_t seq = messages[0].second.at("seq").as_int64();
  ASSERT_EQ(messages[0].second.at("tickets").as_array().size(), 1u);
  EXPECT_EQ(messages[0].second.at("all_day").as_array()[0].at("count").as_int64(), 1);

  const double pepperoni = Stock("pepperoni");
  const Ticket second = Create(Order({Pizza(), Pizza()}));
  ASSERT_TRUE(kitchen_->VoidForOrder(second.order_id, "cancelled"));
  EXPECT_DOUBLE_EQ(Stock("pepperoni"), pepperoni);  // the void gave its stock back
  messages = Drain(*stream);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].second.at("seq").as_int64(), seq + 1);
  EXPECT_EQ(messages[0].second.at("ticket").at("id").as_string(), second.id);
  EXPECT_TRUE(messages[0].second.at("ticket").at("at_station").as_bool());
  EXPECT_EQ(messages[0].second.at("all_day").as_array()[0].at("count").as_int64(), 3);
  EXPECT_EQ(messages[1].second.at("seq").as_int64(), seq + 2);
  EXPECT_EQ(messages[1].second.at("ticket").at("status").as_string(), "voided");
  EXPECT_FALSE(messages[1].second.at("ticket").at("at_station").as_bool());
  EXPECT_EQ(messages[1].second.at("all_day").as_array()[0].at("count").as_int64(), 1);

  // A screen that comes back gets a fresh snapshot (without the void) and what changed meanwhile.
  auto again = http::EventStream::Create();
  ASSERT_TRUE(kitchen_->Follow(Stores::kStore, "make", seq, again));
  messages = Drain(*again);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].second.at("tickets").as_array().size(), 1u);
  EXPECT_EQ(messages[0].second.at("tickets").as_array()[0].at("id").as_string(), first.id);
  EXPECT_EQ(messages[0].second.at("changed_since_last").as_array(), (json::array{json::value(second.id)}));
  auto unknown = kitchen_->Follow(Stores::kStore, "grill", 0, http::EventStream::Create());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields.at(0).field, "station");
}

TEST_F(KitchenServiceTest, AnOrderAheadFiresWhenMakingItNowWouldJustMakeItsTime) {
  auto order = Order({Pizza()}, "carryout", minutes(60));
  order.scheduled_for = order.promised_at;
  const Ticket t = Create(order);
  EXPECT_EQ(t.status, TicketStatus::kScheduled);
  auto list = kitchen_->List(Stores::kStore, "make", std::nullopt);
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());  // not on any screen yet
  // One large pizza takes 470 s in an empty kitchen: it fires once it is due within a tick.
  clock_.Advance(minutes(60) - seconds(470) - seconds(10));
  EXPECT_EQ(kitchen_->FireDue(), 0);
  clock_.Advance(seconds(6));
  EXPECT_EQ(kitchen_->FireDue(), 1);
  auto fired = kitchen_->Get(t.id);
  EXPECT_EQ(fired->status, TicketStatus::kQueued);
  EXPECT_EQ(kitchen_->FireDue(), 0);
}

TEST_F(KitchenServiceTest, EstimatesGrowWithTheQueueAndTheCustomerHearsAMovedPromise) {
  const EstimateRequest one{Stores::kStore, "carryout", {{"pepperoni_pizza", "pizzas", "pizza", "large", 1}}};
  auto empty = kitchen_->Estimate(one);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->wait_seconds, 470);
  EXPECT_EQ(empty->prep_seconds, 470);
  const Ticket waiting = Create(Order({Pizza()}, "carryout", seconds(470)));
  for (int i = 0; i < 6; ++i) {
    auto rush = Create(Order({Pizza(), Pizza(), Pizza(), Pizza()}));
    ASSERT_TRUE(kitchen_->SetPriority(rush.id, true, {"usr_manager"}));
  }
  auto busy = kitchen_->Estimate(one);
  ASSERT_TRUE(busy);
  EXPECT_GT(busy->wait_seconds, empty->wait_seconds);
  EXPECT_EQ(busy->prep_seconds, 470);
  // Twenty-four rush pizzas went ahead of the first order: its customer hears the later time.
  bool heard = false;
  for (const auto& e : Events(events::PromiseChanged::kType)) {
    if (e.at("order_id").as_string() == waiting.order_id) heard = true;
  }
  EXPECT_TRUE(heard);
  EXPECT_GT(*core::ParseRfc3339(kitchen_->Get(waiting.id)->estimated_ready_at),
            *core::ParseRfc3339(waiting.estimated_ready_at) + minutes(2));
}

TEST_F(KitchenServiceTest, AnEstimateSeesTicketsAnotherReplicaChangedOnTheSameDatabase) {
  // Each service caches its stores' open tickets; a change made elsewhere (another replica, or
  // this one) moves the store's seq, so the next estimate reloads them.
  KitchenService other(*db_, clock_, ids_, KitchenClients{stores_, nullptr, nullptr}, *inventory_, KitchenOptions{},
                       nullptr);
  const EstimateRequest one{Stores::kStore, "carryout", {{"pepperoni_pizza", "pizzas", "pizza", "large", 1}}};
  const auto empty = kitchen_->Estimate(one);
  ASSERT_TRUE(empty);
  const auto order = Order({Pizza(), Pizza(), Pizza(), Pizza()});
  ASSERT_TRUE(other.CreateTicket(order));
  const auto queued = kitchen_->Estimate(one);
  ASSERT_TRUE(queued);
  EXPECT_GT(queued->ready_at, empty->ready_at) << "the other replica's ticket is ahead of it";
  ASSERT_TRUE(other.VoidForOrder(order.order_id, "cancelled"));
  const auto again = kitchen_->Estimate(one);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ready_at, empty->ready_at) << "the voided ticket no longer counts";
}

TEST_F(KitchenServiceTest, StockThatCannotMakeOneMorePortionTakesTheItemOffTheMenuUntilItIsReceived) {
  auto unavailable = [&](const std::string& item) {
    return !db_->Query("SELECT item_id FROM menu_unavailable WHERE store_id = $1 AND item_id = $2",
                       db::Params(std::string(Stores::kStore), item))
                .empty();
  };
  // Enough pepperoni for one large pizza and a bit: after it, not even a small one (40 g).
  ASSERT_TRUE(inventory_->Adjust(Stores::kStore, {"pepperoni", "count", 100, "evening count"}, "usr_manager"));
  EXPECT_FALSE(unavailable("pepperoni"));
  Create(Order({Pizza()}));
  EXPECT_TRUE(unavailable("pepperoni"));
  EXPECT_EQ(inventory_->AutoUnavailable(Stores::kStore).at("pepperoni"), "pepperoni");
  const auto low = Events(events::LowStock::kType);
  ASSERT_FALSE(low.empty());
  EXPECT_EQ(low.back().at("ingredient_id").as_string(), "pepperoni");
  // Waste needs a reason; a delivery brings it back.
  auto no_reason = inventory_->Adjust(Stores::kStore, {"pepperoni", "waste", 5, ""}, "usr_cook");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().fields.at(0).field, "reason");
  ASSERT_TRUE(inventory_->Adjust(Stores::kStore, {"pepperoni", "received", 5000, "Sysco delivery"}, "usr_manager"));
  EXPECT_FALSE(unavailable("pepperoni"));
  EXPECT_TRUE(inventory_->AutoUnavailable(Stores::kStore).empty());
  auto unknown = inventory_->Adjust(Stores::kStore, {"unicorn", "received", 1, ""}, "usr_manager");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields.at(0).field, "ingredient_id");
}

TEST_F(KitchenServiceTest, ADeliveryWaitsForItsTicketAndADriverTakesTheRun) {
  const Ticket t = Create(Order({Pizza()}, "delivery", minutes(40)));
  for (const char* station : {"make", "make", "cut"}) ASSERT_TRUE(kitchen_->Bump(t.id, station, std::nullopt, {"usr_cook"}));
  auto deliveries = kitchen_->Deliveries(Stores::kStore, std::string("waiting"));
  ASSERT_TRUE(deliveries);
  ASSERT_EQ(deliveries->size(), 1u);
  const std::string delivery_id = (*deliveries)[0].id;
  // Nobody on shift yet: the run is suggested without a driver, and dispatch says why not.
  auto runs = kitchen_->SuggestRuns(Stores::kStore);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_FALSE((*runs)[0].driver_id);
  EXPECT_EQ(kitchen_->Dispatch(delivery_id, {}, "usr_driver", {"usr_manager"}).error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(kitchen_->ClockIn("usr_driver", Stores::kStore));
  runs = kitchen_->SuggestRuns(Stores::kStore);
  EXPECT_EQ((*runs)[0].driver_id, "usr_driver");
  auto sent = kitchen_->Dispatch(delivery_id, {}, "usr_driver", {"usr_driver"});
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].status, "out_for_delivery");
  // 1 N State St is about 0.8 km from the store: two minutes at 25 km/h, give or take.
  const auto eta = *core::ParseRfc3339(*(*sent)[0].eta);
  EXPECT_GT(eta, clock_.Now() + seconds(90));
  EXPECT_LT(eta, clock_.Now() + seconds(180));
  EXPECT_EQ(kitchen_->Get(t.id)->status, TicketStatus::kHandedOff);
  EXPECT_FALSE(kitchen_->ClockOut("usr_driver"));  // not with a pizza in the car
  EXPECT_EQ(kitchen_->Delivered(delivery_id, {"usr_other"}, true).error().code, core::ErrorCode::kForbidden);
  auto done = kitchen_->Delivered(delivery_id, {"usr_driver"}, true);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "delivered");
  EXPECT_TRUE(kitchen_->ClockOut("usr_driver"));
  std::vector<std::string> statuses;
  for (const auto& e : Events(events::DeliveryStatusChanged::kType)) statuses.emplace_back(e.at("status").as_string());
  EXPECT_EQ(statuses, (std::vector<std::string>{"waiting", "out_for_delivery", "delivered"}));
}

}  // namespace
}  // namespace vetahut::kitchen
