#include "services/location/domain/store_profile.hpp"

#include <gtest/gtest.h>

namespace vetahut::location {
namespace {

StoreProfile Valid() {
  StoreProfile p;
  p.name = "Veta Hut Midtown";
  p.address = {"350 5th Ave", "", "New York", "NY", "10118", "US"};
  p.latitude = 40.7484;
  p.longitude = -73.9857;
  p.timezone = "America/New_York";
  p.phone = "+12125550100";
  p.services = {ServiceType::kDelivery, ServiceType::kCarryout};
  p.currency = "USD";
  p.locale = "en-US";
  return p;
}

std::vector<std::string> FieldsOf(const core::Status& s) {
  std::vector<std::string> out;
  if (!s) {
    for (const auto& f : s.error().fields) out.push_back(f.field);
  }
  return out;
}

TEST(StoreProfile, AValidProfilePasses) { EXPECT_TRUE(Validate(Valid())); }

TEST(StoreProfile, EachBadFieldIsNamed) {
  auto p = Valid();
  p.latitude = 200;
  p.timezone = "Mars/Olympus_Mons";
  p.currency = "XYZ";
  p.services = {ServiceType::kDelivery, ServiceType::kDelivery};
  p.address.country = "usa";
  auto status = Validate(p);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(FieldsOf(status), (std::vector<std::string>{"address.country", "latitude", "timezone", "services[0]",
                                                         "services[1]", "currency"}));
}

TEST(StoreProfile, RequiresNameAddressAndServices) {
  StoreProfile empty;
  auto fields = FieldsOf(Validate(empty));
  for (const char* f : {"name", "address.line1", "address.city", "address.postal_code", "timezone", "phone",
                        "services", "currency", "locale"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(StoreProfile, TimeZonesComeFromTheZoneDatabaseOnly) {
  EXPECT_TRUE(IsKnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(IsKnownTimeZone("UTC"));
  EXPECT_FALSE(IsKnownTimeZone("../../etc/passwd"));
  EXPECT_FALSE(IsKnownTimeZone("/etc/passwd"));
  EXPECT_FALSE(IsKnownTimeZone("Europe/Atlantis"));
}

}  // namespace
}  // namespace vetahut::location
