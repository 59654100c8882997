// The location service on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL):
// hours, zones and slot rules persist; the last slot goes to exactly one order; busy mode
// emits its events and ends by itself.
#include "services/location/location_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/location/hours_codec.hpp"

namespace vetahut::location {
namespace {

using namespace std::chrono;

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }

class LocationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"location_slot_reservations", "location_slot_usage", "location_zones", "location_store_hours",
                          "location_outbox_lease", "location_outbox", "location_inbox", "location_stores"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("DROP TABLE IF EXISTS schema_migrations");
    db::Migrate(*db_, AllMigrations());
    service_ = std::make_unique<LocationService>(*db_, clock_, ids_, nullptr);
    service_->Refresh();
  }

  std::string CreateDemoLikeStore(const std::string& name, const char* hours_json) {
    StoreProfile p;
    p.name = name;
    p.address = {"350 5th Ave", "", "New York", "NY", "10118", "US"};
    p.latitude = 40.748440;
    p.longitude = -73.985664;
    p.timezone = "America/New_York";
    p.phone = "+12125550100";
    p.services = {ServiceType::kDelivery, ServiceType::kCarryout};
    p.currency = "USD";
    p.locale = "en-US";
    auto store = service_->CreateStore(p);
    EXPECT_TRUE(store) << store.error().detail;
    const std::string id = (*store)->record.store.id;
    auto hours = ParseServiceHours(boost::json::parse(hours_json), p.services);
    EXPECT_TRUE(hours);
    EXPECT_TRUE(service_->SetHours(id, *hours));
    return id;
  }

  std::int64_t OutboxCount(const std::string& type) {
    return db_->Query("SELECT COUNT(*) FROM location_outbox WHERE type = $1", db::Params(type))[0].Int(0);
  }

  // Wednesday 2026-11-25, 12:00 in New York (EST, UTC-5).
  core::ManualClock clock_{Utc("2026-11-25T17:00:00Z")};
  core::IdGenerator ids_{clock_};
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<LocationService> service_;
};

constexpr const char* kLunchHours = R"({"carryout": {"weekly": [{"day": "wednesday", "open": "11:00", "close": "14:00"}]},
                                        "delivery": {"weekly": [{"day": "wednesday", "open": "11:00", "close": "23:00"}]}})";

TEST_F(LocationServiceTest, TheLastSlotGoesToExactlyOneOrder) {
  const std::string id = CreateDemoLikeStore("Race", kLunchHours);
  ASSERT_TRUE(service_->SetSlotRules(id, SlotRules{minutes(15), minutes(30), 3}));
  const auto slot = Utc("2026-11-25T18:00:00Z");  // 13:00 local
  std::atomic<int> won{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      auto r = service_->ReserveSlot(id, ServiceType::kCarryout, slot, "ord_race_" + std::to_string(t));
      if (r) {
        ++won;
      } else if (r.error().code == core::ErrorCode::kConflict) {
        ++full;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won, 3);
  EXPECT_EQ(full, 9);
  EXPECT_EQ(other, 0);
  auto used = db_->Query("SELECT used FROM location_slot_usage WHERE store_id = $1", db::Params(id));
  ASSERT_EQ(used.size(), 1u);
  EXPECT_EQ(used[0].Int(0), 3);
  auto slots = service_->Slots(id, date::year{2026} / 11 / 25, ServiceType::kCarryout);
  ASSERT_TRUE(slots);
  for (const auto& s : *slots) EXPECT_EQ(s.capacity_left, s.slot.start == slot ? 0 : 3);
}

TEST_F(LocationServiceTest, ReservingIsIdempotentAndReleasingFreesCapacity) {
  const std::string id = CreateDemoLikeStore("Idem", kLunchHours);
  ASSERT_TRUE(service_->SetSlotRules(id, SlotRules{minutes(15), minutes(30), 1}));
  const auto slot = Utc("2026-11-25T18:15:00Z");
  ASSERT_TRUE(service_->ReserveSlot(id, ServiceType::kCarryout, slot, "ord_a"));
  EXPECT_TRUE(service_->ReserveSlot(id, ServiceType::kCarryout, slot, "ord_a"));  // same order again: fine
  auto second = service_->ReserveSlot(id, ServiceType::kCarryout, slot, "ord_b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(service_->ReleaseSlot("ord_a"));
  EXPECT_TRUE(service_->ReleaseSlot("ord_a"));  // twice: nothing more to give back
  EXPECT_TRUE(service_->ReserveSlot(id, ServiceType::kCarryout, slot, "ord_b"));
}

TEST_F(LocationServiceTest, SlotsOutsideHoursOrLeadTimeAreRefused) {
  const std::string id = CreateDemoLikeStore("Closed", kLunchHours);
  for (const char* bad : {"2026-11-25T20:00:00Z" /* 15:00, after carry-out closes */,
                          "2026-11-25T17:15:00Z" /* 12:15, inside the 30-minute lead time */,
                          "2026-11-25T18:07:00Z" /* not on a slot boundary */}) {
    auto r = service_->ReserveSlot(id, ServiceType::kCarryout, Utc(bad), "ord_x");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::ErrorCode::kValidation) << bad;
    EXPECT_EQ(r.error().fields.at(0).field, "slot_start");
  }
}

TEST_F(LocationServiceTest, HoursZonesAndRulesSurviveAReload) {
  const std::string id = CreateDemoLikeStore("Persist", kLunchHours);
  auto zones = ParseZones(boost::json::parse(R"({"zones": [
      {"name": "Core", "fee": {"amount": 299, "currency": "USD"}, "minimum_order": {"amount": 1500, "currency": "USD"},
       "estimate_minutes": 25, "geometry": {"type": "Polygon", "coordinates": [[[-74.0010, 40.7420], [-73.9720, 40.7420],
       [-73.9720, 40.7620], [-74.0010, 40.7620], [-74.0010, 40.7420]]]}},
      {"name": "Wide", "fee": {"amount": 499, "currency": "USD"}, "minimum_order": {"amount": 2000, "currency": "USD"},
       "estimate_minutes": 40, "center": {"latitude": 40.748440, "longitude": -73.985664}, "radius_m": 4000}]})"),
                          *core::Currency::Find("USD"));
  ASSERT_TRUE(zones);
  ASSERT_TRUE(service_->SetZones(id, *zones));
  ASSERT_TRUE(service_->SetSlotRules(id, SlotRules{minutes(20), minutes(45), 7}));

  LocationService fresh(*db_, clock_, ids_, nullptr);  // another process / replica
  fresh.Refresh();
  auto store = fresh.GetStore(id);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->record.slot_rules.capacity, 7);
  EXPECT_EQ((*store)->record.slot_rules.length, minutes(20));
  EXPECT_EQ((*store)->record.zones.size(), 2u);
  EXPECT_TRUE((*store)->HoursAt(ServiceType::kCarryout, clock_.Now()).open_now);

  auto core_quote = fresh.CheckDelivery(id, {40.7500, -73.9850});  // inside both: the cheaper core zone
  ASSERT_TRUE(core_quote);
  EXPECT_TRUE(core_quote->deliverable);
  EXPECT_EQ(core_quote->zone_name, "Core");
  EXPECT_EQ(core_quote->fee->amount(), 299);
  auto wide_quote = fresh.CheckDelivery(id, {40.7300, -73.9900});  // south of the polygon, within 4 km
  ASSERT_TRUE(wide_quote);
  EXPECT_EQ(wide_quote->zone_name, "Wide");
  EXPECT_EQ(wide_quote->estimate_minutes, 40);
  auto far = fresh.CheckDelivery(id, {40.6000, -73.9000});
  ASSERT_TRUE(far);
  EXPECT_FALSE(far->deliverable);
}

TEST_F(LocationServiceTest, BusyModeEmitsEventsAndEndsByItself) {
  const std::string id = CreateDemoLikeStore("Busy", kLunchHours);
  auto paused = service_->PauseStore(id, "oven repair", clock_.Now() + minutes(30));
  ASSERT_TRUE(paused);
  EXPECT_FALSE((*paused)->AcceptingAt(clock_.Now()));
  EXPECT_EQ(OutboxCount("com.vetahut.store.status_changed"), 1);
  auto refused = service_->ReserveSlot(id, ServiceType::kCarryout, Utc("2026-11-25T18:00:00Z"), "ord_busy");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kConflict);

  EXPECT_EQ(service_->ResumeDue(), 0);  // not yet
  clock_.Advance(minutes(31));
  EXPECT_EQ(service_->ResumeDue(), 1);
  EXPECT_EQ(service_->ResumeDue(), 0);  // once
  EXPECT_EQ(OutboxCount("com.vetahut.store.status_changed"), 2);
  EXPECT_TRUE((*service_->GetStore(id))->AcceptingAt(clock_.Now()));
  EXPECT_FALSE((*service_->GetStore(id))->record.pause);
}

TEST_F(LocationServiceTest, PauseRejectsAResumeTimeInThePast) {
  const std::string id = CreateDemoLikeStore("Past", kLunchHours);
  auto r = service_->PauseStore(id, "busy", clock_.Now() - minutes(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields.at(0).field, "resume_at");
  EXPECT_EQ(OutboxCount("com.vetahut.store.status_changed"), 0);  // nothing changed
}

TEST_F(LocationServiceTest, FinderFiltersByServiceAndOpenNow) {
  const std::string lunch = CreateDemoLikeStore("Lunch only", kLunchHours);
  const std::string night = CreateDemoLikeStore("Night only", R"({"carryout": {"weekly": [{"day": "wednesday", "open": "18:00", "close": "02:00"}]}})");
  auto all = service_->FindStores({.from = {40.75, -73.98}, .limit = 10});
  EXPECT_EQ(all.size(), 2u);
  auto open = service_->FindStores({.from = {40.75, -73.98}, .limit = 10, .service = ServiceType::kCarryout, .open_now_only = true});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].entry->record.store.id, lunch);
  clock_.Set(Utc("2026-11-26T04:30:00Z"));  // 23:30 Wednesday in New York
  open = service_->FindStores({.from = {40.75, -73.98}, .limit = 10, .service = ServiceType::kCarryout, .open_now_only = true});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].entry->record.store.id, night);
}

}  // namespace
}  // namespace vetahut::location
