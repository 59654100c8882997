#include "services/integration/domain/event_filter.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

const std::vector<std::string> kOffered = {"com.vetahut.order.confirmed", "com.vetahut.order.completed",
                                           "com.vetahut.payment.refunded", "com.vetahut.integration.sales_journal"};

TEST(EventFilter, ExactTypesAndPrefixesSelect) {
  EXPECT_TRUE(FilterMatches("com.vetahut.order.confirmed", "com.vetahut.order.confirmed"));
  EXPECT_FALSE(FilterMatches("com.vetahut.order.confirmed", "com.vetahut.order.confirmed2"));
  EXPECT_TRUE(FilterMatches("com.vetahut.order.*", "com.vetahut.order.confirmed"));
  EXPECT_FALSE(FilterMatches("com.vetahut.order.*", "com.vetahut.orders.confirmed"));
  EXPECT_FALSE(FilterMatches("com.vetahut.order.*", "com.vetahut.order"));
  EXPECT_TRUE(FilterMatches("com.vetahut.*", "com.vetahut.payment.refunded"));
  EXPECT_TRUE(AnyFilterMatches({"com.vetahut.payment.*", "com.vetahut.order.completed"}, "com.vetahut.order.completed"));
  EXPECT_FALSE(AnyFilterMatches({"com.vetahut.payment.*"}, "com.vetahut.order.completed"));
}

TEST(EventFilter, UnknownMalformedAndRepeatedFiltersAreNamedByIndex) {
  core::FieldErrors errors;
  CheckEventFilters({"com.vetahut.order.*", "com.vetahut.pizza.eaten", "com.vetahut.*.confirmed", "com.vetahut.order.*",
                     "*", "Com.Vetahut.Order.Confirmed", "com.vetahut.kitchen.*"},
                    kOffered, errors);
  const auto error = errors.ToError();
  ASSERT_EQ(error.fields.size(), 6u);
  EXPECT_EQ(error.fields[0].field, "event_types[1]");
  EXPECT_NE(error.fields[0].message.find("'com.vetahut.pizza.eaten' is not an event type the platform offers"), std::string::npos);
  EXPECT_EQ(error.fields[1].field, "event_types[2]");
  EXPECT_EQ(error.fields[2].field, "event_types[3]");
  EXPECT_EQ(error.fields[2].message, "'com.vetahut.order.*' is listed twice");
  EXPECT_EQ(error.fields[3].field, "event_types[4]");
  EXPECT_EQ(error.fields[4].field, "event_types[5]");
  EXPECT_EQ(error.fields[5].field, "event_types[6]");
  EXPECT_NE(error.fields[5].message.find("selects no event type"), std::string::npos);
}

TEST(EventFilter, AtLeastOneAndAtMostFifty) {
  core::FieldErrors none;
  CheckEventFilters({}, kOffered, none);
  EXPECT_EQ(none.ToError().fields.at(0).field, "event_types");
  core::FieldErrors many;
  CheckEventFilters(std::vector<std::string>(51, "com.vetahut.order.confirmed"), kOffered, many);
  EXPECT_EQ(many.ToError().fields.at(0).message, "must have at most 50 entries");
  core::FieldErrors fine;
  CheckEventFilters({"com.vetahut.order.*", "com.vetahut.payment.refunded"}, kOffered, fine);
  EXPECT_TRUE(fine.empty());
}

}  // namespace
}  // namespace vetahut::integration
