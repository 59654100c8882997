// The menu service on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL): drafts are
// validated field by field, publishing (now or scheduled) swaps the served menu, the 86 switch and
// store prices change the snapshot and its ETag, and quotes are exact in both tax modes.
#include "services/menu/menu_service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <date/tz.h>

#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/menu/catalog_json.hpp"

namespace vetahut::menu {
namespace {

using namespace std::chrono;
namespace json = boost::json;

class MenuServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"menu_versions", "menu_store_settings", "menu_price_overrides", "menu_unavailable",
                          "menu_outbox_lease", "menu_outbox", "menu_inbox"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module = 'menu'");
    db::Migrate(*db_, AllMigrations());
    service_ = std::make_unique<MenuService>(*db_, clock_, ids_, stores_, nullptr);
    service_->Load();
  }

  /// Two stores, as the location service would describe them.
  class Stores final : public location::StoreDirectoryClient {
   public:
    core::Result<location::StoreSummary> GetStore(const std::string& id) override {
      for (const auto& s : All()) {
        if (s.id == id) return s;
      }
      return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
    }
    core::Result<std::vector<location::StoreSummary>> ListStores() override { return All(); }

   private:
    static std::vector<location::StoreSummary> All() {
      return {{"str_ny", "Veta Hut Test NY", "USD", "en-US", "America/New_York", "+12125550100", 40.75, -73.99, {}},
              {"str_be", "Veta Hut Test Berlin", "EUR", "de-DE", "Europe/Berlin", "+4930123456", 52.5, 13.4, {}}};
    }
  };

  core::Result<std::string> QuoteJson(const std::string& store, const json::value& body) {
    auto priced = service_->PriceCart({store, json::serialize(body), std::nullopt, SalesChannel::kWeb});
    if (!priced) return core::Fail(priced.error());
    return priced->quote_json;
  }

  json::value Demo(const char* market) {
    auto doc = json::parse(DemoMenuJson());
    doc.as_object()["currency"] = market;
    return doc;
  }

  void PublishDemo(const char* market) {
    ASSERT_TRUE(service_->SaveDraft(market, Demo(market), "stf_admin"));
    ASSERT_TRUE(service_->Publish(market, std::nullopt, "stf_admin"));
  }

  std::int64_t Outbox(const std::string& type) {
    return db_->Query("SELECT COUNT(*) FROM menu_outbox WHERE type = $1", db::Params(type))[0].Int(0);
  }

  /// The first pizza product and its first topping and size, from the published demo menu.
  json::object FirstPizza() {
    auto menu = service_->StoreMenu("str_ny", "en");
    EXPECT_TRUE(menu);
    return json::parse((*menu)->json).as_object();
  }

  // Wednesday 2026-11-25 18:00 in New York.
  core::ManualClock clock_{*core::ParseRfc3339("2026-11-25T23:00:00Z")};
  core::IdGenerator ids_{clock_};
  Stores stores_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<MenuService> service_;
};

TEST_F(MenuServiceTest, ABadDraftNamesEveryFieldAndChangesNothing) {
  PublishDemo("USD");
  auto bad = Demo("USD");
  auto& products = bad.as_object()["products"].as_array();
  products[0].as_object()["sizes"].as_array()[0].as_object()["price"] = -5;
  products[1].as_object()["category_id"] = "no_such_category";
  auto result = service_->SaveDraft("USD", bad, "stf_admin");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "products[0].sizes[0].price"), fields.end()) << result.error().detail;
  EXPECT_NE(std::find(fields.begin(), fields.end(), "products[1].category_id"), fields.end());
  EXPECT_FALSE(service_->DraftJson("USD"));  // no draft was stored
  auto wrong_market = service_->SaveDraft("USD", Demo("EUR"), "stf_admin");
  ASSERT_FALSE(wrong_market);
  EXPECT_EQ(wrong_market.error().fields.at(0).field, "currency");
}

TEST_F(MenuServiceTest, PublishingSwapsTheServedMenuAndEmitsAnEvent) {
  EXPECT_FALSE(service_->StoreMenu("str_ny", "en"));  // nothing published yet
  PublishDemo("USD");
  auto menu = service_->StoreMenu("str_ny", "en");
  ASSERT_TRUE(menu);
  EXPECT_EQ(Outbox("com.vetahut.menu.published"), 1);
  auto again = service_->StoreMenu("str_ny", "en");
  EXPECT_EQ((*menu)->etag, (*again)->etag);
  auto es = service_->StoreMenu("str_ny", "es");
  ASSERT_TRUE(es);
  EXPECT_NE((*es)->etag, (*menu)->etag);
  // A second version published: the snapshot follows.
  auto renamed = Demo("USD");
  renamed.as_object()["products"].as_array()[0].as_object()["name"].as_object()["en"] = "The Original";
  ASSERT_TRUE(service_->SaveDraft("USD", renamed, "stf_admin"));
  ASSERT_TRUE(service_->Publish("USD", std::nullopt, "stf_admin"));
  auto after = service_->StoreMenu("str_ny", "en");
  ASSERT_TRUE(after);
  EXPECT_NE((*after)->etag, (*menu)->etag);
  EXPECT_NE((*after)->json.find("The Original"), std::string::npos);
  auto versions = service_->Versions("USD");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].status, "published");
  EXPECT_EQ(versions[1].status, "superseded");
}

// Issue 16: the console starts a draft from the live menu; it is the published catalog, not a draft.
TEST_F(MenuServiceTest, TheLiveCatalogIsThePublishedOneInTheDraftsForm) {
  EXPECT_EQ(service_->LiveJson("USD").error().code, core::ErrorCode::kNotFound);  // nothing published yet
  PublishDemo("USD");
  auto live = service_->LiveJson("USD");
  ASSERT_TRUE(live);
  auto reparsed = ParseCatalog(json::parse(*live));
  ASSERT_TRUE(reparsed) << reparsed.error().detail;  // it saves back as a draft unchanged
  auto renamed = json::parse(*live);
  renamed.as_object()["products"].as_array()[0].as_object()["name"].as_object()["en"] = "Draft Only";
  ASSERT_TRUE(service_->SaveDraft("USD", renamed, "stf_admin"));
  EXPECT_EQ(service_->LiveJson("USD")->find("Draft Only"), std::string::npos);  // a draft is not live
  ASSERT_TRUE(service_->Publish("USD", std::nullopt, "stf_admin"));
  EXPECT_NE(service_->LiveJson("USD")->find("Draft Only"), std::string::npos);
  EXPECT_EQ(service_->LiveJson("usd").error().code, core::ErrorCode::kNotFound);
}

// Issue 10: versions are a paged list of a market that exists; items are known by id.
TEST_F(MenuServiceTest, VersionsArePagedAndAnUnknownMarketIsNotFound) {
  EXPECT_FALSE(service_->IsMenuItem("cheese_pizza"));  // nothing published yet
  PublishDemo("USD");
  EXPECT_TRUE(service_->IsMenuItem("cheese_pizza"));
  EXPECT_FALSE(service_->IsMenuItem("zz9-unknown-0002"));
  ASSERT_TRUE(service_->SaveDraft("USD", Demo("USD"), "stf_admin"));
  ASSERT_TRUE(service_->Publish("USD", std::nullopt, "stf_admin"));
  ASSERT_TRUE(service_->SaveDraft("USD", Demo("USD"), "stf_admin"));  // same clock: ties broken by id
  const auto all = service_->Versions("USD");
  ASSERT_EQ(all.size(), 3u);
  std::vector<std::string> paged;
  std::string cursor;
  for (int round = 0; round < 5; ++round) {
    auto page = service_->ListVersions("USD", 2, cursor);
    ASSERT_TRUE(page);
    for (const auto& v : *page) paged.push_back(v.id);
    if (page->size() < 2) break;
    cursor = page->back().id;
  }
  ASSERT_EQ(paged.size(), 3u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i], all[i].id);
  for (const char* market : {"zz9-unknown-0002", "usd", ""}) {
    EXPECT_EQ(service_->ListVersions(market, 2, "").error().code, core::ErrorCode::kNotFound) << market;
    EXPECT_EQ(service_->DraftJson(market).error().code, core::ErrorCode::kNotFound) << market;
    EXPECT_EQ(service_->Publish(market, std::nullopt, "stf_admin").error().code, core::ErrorCode::kNotFound) << market;
  }
}

TEST_F(MenuServiceTest, AScheduledVersionPublishesWhenItsTimeComes) {
  PublishDemo("USD");
  auto next = Demo("USD");
  next.as_object()["products"].as_array()[0].as_object()["name"].as_object()["en"] = "Tomorrow's Pizza";
  ASSERT_TRUE(service_->SaveDraft("USD", next, "stf_admin"));
  EXPECT_FALSE(service_->Publish("USD", clock_.Now() - minutes(1), "stf_admin"));  // the past
  auto scheduled = service_->Publish("USD", clock_.Now() + hours(2), "stf_admin");
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(scheduled->status, "scheduled");
  EXPECT_EQ(service_->PublishDue(), 0);
  EXPECT_EQ((*service_->StoreMenu("str_ny", "en"))->json.find("Tomorrow's Pizza"), std::string::npos);
  clock_.Advance(hours(2));
  EXPECT_EQ(service_->PublishDue(), 1);
  EXPECT_EQ(service_->PublishDue(), 0);
  EXPECT_NE((*service_->StoreMenu("str_ny", "en"))->json.find("Tomorrow's Pizza"), std::string::npos);
  EXPECT_EQ(Outbox("com.vetahut.menu.published"), 2);
}

TEST_F(MenuServiceTest, The86SwitchChangesTheSnapshotAndQuotesAndEmitsAnEvent) {
  PublishDemo("USD");
  const auto before = *service_->StoreMenu("str_ny", "en");
  const auto catalog = ParseCatalog(json::parse(*service_->DraftJson("USD").or_else([&](auto) -> core::Result<std::string> {
    return std::string(DemoMenuJson());
  })));
  ASSERT_TRUE(catalog);
  const std::string topping = catalog->toppings.at(0).id;
  EXPECT_FALSE(service_->SetAvailability("str_ny", topping, false, "", std::nullopt));  // reason required
  EXPECT_FALSE(service_->SetAvailability("str_ny", "no_such_item", false, "gone", std::nullopt));
  EXPECT_FALSE(service_->SetAvailability("str_nowhere", topping, false, "gone", std::nullopt));
  ASSERT_TRUE(service_->SetAvailability("str_ny", topping, false, "out of stock", clock_.Now() + hours(3)));
  EXPECT_EQ(Outbox("com.vetahut.menu.item_availability_changed"), 1);
  const auto after = *service_->StoreMenu("str_ny", "en");
  EXPECT_NE(after->etag, before->etag);
  EXPECT_NE(after->json.find("sold_out"), std::string::npos);  // customers see why in their words, not the staff note
  EXPECT_EQ(after->json.find("out of stock"), std::string::npos);
  ASSERT_TRUE(service_->SetAvailability("str_ny", topping, true, "", std::nullopt));
  EXPECT_TRUE(service_->SetAvailability("str_ny", topping, true, "", std::nullopt));  // already on: no event
  EXPECT_EQ(Outbox("com.vetahut.menu.item_availability_changed"), 2);
  EXPECT_EQ((*service_->StoreMenu("str_ny", "en"))->etag, before->etag);  // same content, same ETag
}

TEST_F(MenuServiceTest, QuotesAreExactWithStorePricesAndBothTaxModes) {
  PublishDemo("USD");
  PublishDemo("EUR");
  const auto catalog = ParseCatalog(Demo("USD"));
  ASSERT_TRUE(catalog);
  const Product* pizza = nullptr;
  for (const auto& p : catalog->products) {
    if (p.kind == ProductKind::kPizza && !pizza) pizza = &p;
  }
  ASSERT_TRUE(pizza);
  const std::string size = pizza->sizes.at(0).size_id;
  const std::int64_t list_price = pizza->sizes.at(0).price;
  auto body = json::parse(R"({"items": [{"product_id": ")" + pizza->id + R"(", "size": ")" + size + R"(", "quantity": 2}]})");

  ASSERT_TRUE(service_->SetTaxSettings("str_ny", TaxMode::kExclusive, {{"food", 8875}, {"beverage", 8875}}));
  auto us = QuoteJson("str_ny", body);
  ASSERT_TRUE(us) << us.error().detail;
  auto q = json::parse(*us).as_object();
  const std::int64_t subtotal = 2 * list_price;
  const std::int64_t tax = (subtotal * 8875 + 50000) / 100000;  // half-up on 1/1000 of a percent
  EXPECT_EQ(q.at("subtotal").at("amount").as_int64(), subtotal) << *us;
  EXPECT_EQ(q.at("tax_total").at("amount").as_int64(), tax) << *us;
  EXPECT_EQ(q.at("total").at("amount").as_int64(), subtotal + tax) << *us;

  ASSERT_TRUE(service_->SetPrice("str_ny", "product", pizza->id, size, 999));
  auto overridden = json::parse(*QuoteJson("str_ny", body)).as_object();
  EXPECT_EQ(overridden.at("subtotal").at("amount").as_int64(), 1998);

  ASSERT_TRUE(service_->SetTaxSettings("str_be", TaxMode::kInclusive, {{"food", 7000}, {"beverage", 19000}}));
  auto eu = json::parse(*QuoteJson("str_be", body)).as_object();
  EXPECT_EQ(eu.at("total").at("amount").as_int64(), subtotal);  // VAT is inside the price
  EXPECT_EQ(eu.at("total").at("currency").as_string(), "EUR");
  EXPECT_EQ(eu.at("tax_total").at("amount").as_int64(), (subtotal * 7000 * 2 + 107000) / (2 * 107000));

  auto bad = QuoteJson("str_ny", json::parse(R"({"items": [{"product_id": "nope", "size": "x", "quantity": 1}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.at(0).field.substr(0, 8), "items[0]");
}

TEST_F(MenuServiceTest, APricedCartCarriesWhatAKitchenAndAReceiptNeed) {
  PublishDemo("USD");
  ASSERT_TRUE(service_->SetTaxSettings("str_ny", TaxMode::kExclusive, {{"food", 8875}, {"beverage", 8875}}));
  auto priced = service_->PriceCart(
      {"str_ny",
       R"({"items": [{"product_id": "cheese_pizza", "size": "large", "quantity": 2, "removed_toppings": [],
            "toppings": [{"topping_id": "pepperoni", "portion": "left", "amount": "extra"}]}]})",
       core::MoneyAmount{299, "USD"}, SalesChannel::kWeb});
  ASSERT_TRUE(priced) << priced.error().detail;
  EXPECT_EQ(priced->currency, "USD");
  ASSERT_EQ(priced->lines.size(), 1u);
  const auto& line = priced->lines[0];
  EXPECT_EQ(line.quantity, 2);
  ASSERT_EQ(line.items.size(), 1u);
  const auto& item = line.items[0];
  EXPECT_EQ(item.product_id, "cheese_pizza");
  EXPECT_EQ(item.kind, "pizza");
  EXPECT_FALSE(item.category_id.empty());
  EXPECT_EQ(item.size_id, "large");
  EXPECT_FALSE(item.size_name.empty());
  EXPECT_FALSE(item.crust_name.empty());
  bool half = false;
  for (const auto& t : item.toppings) {
    if (t.topping_id == "pepperoni") {
      half = true;
      EXPECT_EQ(t.portion, "left");
      EXPECT_EQ(t.amount, "extra");
      EXPECT_EQ(t.name, "Pepperoni");
    }
  }
  EXPECT_TRUE(half);
  EXPECT_EQ(priced->delivery_fee.amount, 299);
  EXPECT_EQ(priced->total.amount,
            priced->subtotal.amount - priced->discount_total.amount + priced->tax_total.amount + priced->delivery_fee.amount);
  EXPECT_EQ(json::parse(priced->quote_json).at("total").at("amount").as_int64(), priced->total.amount);
}

}  // namespace
}  // namespace vetahut::menu
