#include "services/menu/domain/catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/menu/domain/test_catalog.hpp"

namespace vetahut::menu {
namespace {

using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Fields(const core::Status& status) {
  std::vector<std::string> out;
  if (!status) {
    for (const auto& f : status.error().fields) out.push_back(f.field);
  }
  return out;
}

TEST(Catalog, TheTestCatalogIsValid) {
  auto status = ValidateCatalog(testing::MakeCatalog());
  EXPECT_TRUE(status.has_value()) << (status ? ""
                                             : status.error().fields[0].field + " " +
                                                   status.error().fields[0].message);
}

TEST(Catalog, ValidationNamesEveryProblem) {
  Catalog c = testing::MakeCatalog();
  c.products[3].sizes.push_back({"medium", -1, 0, {}});  // negative price
  c.products[0].category_id = "calzones";                // unknown reference
  c.products[1].id = "cheese";  // duplicate id, and deals[0] now names a missing product
  c.products[2].default_topping_ids.push_back("bbq_chicken");  // not an option
  c.products[0].default_crust_id = "deep_dish";                // not among crust_ids
  c.modifier_groups[1].min_selections = 6;                     // min > max (5)
  c.toppings[2].name.erase("es");                              // missing translation
  c.crusts[1].upcharges[0].price = -5;                         // negative upcharge
  c.deals[0].slots[0].product_ids.push_back("calzone");        // unknown product in a slot
  c.promotions[0].percent_off = 0;
  c.currency = "XXX";
  c.BuildIndex();
  EXPECT_THAT(
      Fields(ValidateCatalog(c)),
      UnorderedElementsAre("currency", "products[3].sizes[1].price", "products[0].category_id",
                           "products[1].id", "products[2].default_topping_ids[2]",
                           "products[0].default_crust_id", "modifier_groups[1].min_selections",
                           "modifier_groups[1].min_selections", "toppings[2].name",
                           "crusts[1].upcharges[0].price", "deals[0].slots[0].product_ids[1]",
                           "deals[0].slots[0].product_ids[3]", "promotions[0].percent_off"));
}

TEST(Catalog, DefaultOptionsBeyondTheMaximumAreRejected) {
  Catalog c = testing::MakeCatalog();
  c.modifier_groups[0].options[1].is_default = true;  // two default sauces, max 1
  c.BuildIndex();
  EXPECT_THAT(Fields(ValidateCatalog(c)), UnorderedElementsAre("modifier_groups[0].options"));
}

TEST(Catalog, BadDaypartWindowsAndDuplicateCodesAreRejected) {
  Catalog c = testing::MakeCatalog();
  c.products[5].availability.windows = {{7, 600, 500}};
  c.promotions[1].code = "pizza20";
  c.BuildIndex();
  EXPECT_THAT(
      Fields(ValidateCatalog(c)),
      IsSupersetOf({"products[5].availability.windows[0].weekday",
                    "products[5].availability.windows[0].end_minute", "promotions[1].code"}));
}

TEST(Catalog, RewardsNeedPointsAnAmountAndTheirOwnId) {
  Catalog c = testing::MakeCatalog();
  c.rewards.push_back({.id = "r_none",
                       .name = testing::Tx("Nothing"),
                       .points = 0,       // must be positive
                       .amount_off = -1,  // must be positive
                       .minimum_subtotal = -5});
  c.rewards.push_back(c.rewards[0]);  // duplicate id
  c.rewards.push_back(c.rewards[0]);
  c.rewards.back().id = "p_fiveoff";              // a promotion's id
  c.rewards[1].name.erase("es");                  // missing translation
  c.promotions[1].kind = PromotionKind::kReward;  // not a promotion's kind
  c.BuildIndex();
  EXPECT_THAT(Fields(ValidateCatalog(c)),
              UnorderedElementsAre("rewards[2].points", "rewards[2].amount_off",
                                   "rewards[2].minimum_subtotal", "rewards[3].id", "rewards[4].id",
                                   "rewards[1].name", "promotions[1].kind"));
  EXPECT_EQ(c.FindReward("r_fifteen")->points, 1500);
  EXPECT_EQ(c.FindReward("p_fiveoff"), &c.rewards[4]);
  EXPECT_EQ(c.FindReward("nope"), nullptr);
}

TEST(Catalog, LookupsWorkBeforeAndAfterIndexing) {
  Catalog c = testing::MakeCatalog();
  EXPECT_EQ(c.FindProduct("veggie")->id, "veggie");
  EXPECT_EQ(c.FindProduct("calzone"), nullptr);
  EXPECT_EQ(c.FindPromotionByCode("freedel")->id, "p_freedel");
  c.products.erase(c.products.begin());  // stale index: still correct
  EXPECT_EQ(c.FindProduct("veggie")->id, "veggie");
  EXPECT_EQ(c.FindProduct("cheese"), nullptr);
  Catalog copy = c;
  copy.BuildIndex();
  EXPECT_EQ(copy.FindTopping("onions")->id, "onions");
}

TEST(LocalizedText, FallsBackFromRegionToLanguageToFallbackLocale) {
  LocalizedText t{{"en", "Large"}, {"es", "Grande"}};
  EXPECT_EQ(Text(t, "es", "en"), "Grande");
  EXPECT_EQ(Text(t, "es-MX", "en"), "Grande");
  EXPECT_EQ(Text(t, "de", "en"), "Large");
  EXPECT_EQ(Text({{"fr", "Grande"}}, "de", "en"), "Grande");
  EXPECT_EQ(Text({}, "de", "en"), "");
}

TEST(Availability, WindowsAreHalfOpenPerWeekday) {
  Availability lunch{{{1, 660, 840}}};
  EXPECT_TRUE(IsAvailableAt(lunch, {1, 660}));
  EXPECT_TRUE(IsAvailableAt(lunch, {1, 839}));
  EXPECT_FALSE(IsAvailableAt(lunch, {1, 840}));
  EXPECT_FALSE(IsAvailableAt(lunch, {2, 700}));
  EXPECT_TRUE(IsAvailableAt({}, {2, 700}));
}

}  // namespace
}  // namespace vetahut::menu
