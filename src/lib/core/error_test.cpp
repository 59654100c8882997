#include "lib/core/error.hpp"

#include <gtest/gtest.h>

#include <set>

#include "lib/core/result.hpp"

namespace vetahut::core {
namespace {

constexpr ErrorCode kAll[] = {
    ErrorCode::kBadRequest,      ErrorCode::kUnauthenticated,      ErrorCode::kForbidden,
    ErrorCode::kNotFound,        ErrorCode::kMethodNotAllowed,     ErrorCode::kRequestTimeout,
    ErrorCode::kConflict,        ErrorCode::kPreconditionFailed,   ErrorCode::kPayloadTooLarge,
    ErrorCode::kUnsupportedMediaType, ErrorCode::kValidation,      ErrorCode::kTooManyRequests,
    ErrorCode::kInternal,        ErrorCode::kUnavailable,          ErrorCode::kPaymentRequired};

TEST(ErrorCode, MapsToTheHttpStatusClientsExpect) {
  EXPECT_EQ(HttpStatus(ErrorCode::kBadRequest), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatus(ErrorCode::kPaymentRequired), 402);
  EXPECT_EQ(HttpStatus(ErrorCode::kForbidden), 403);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kMethodNotAllowed), 405);
  EXPECT_EQ(HttpStatus(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatus(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatus(ErrorCode::kValidation), 422);
  EXPECT_EQ(HttpStatus(ErrorCode::kTooManyRequests), 429);
  EXPECT_EQ(HttpStatus(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnavailable), 503);
}

TEST(ErrorCode, EverySlugAndStatusIsDistinct) {
  std::set<std::string_view> slugs;
  std::set<int> statuses;
  for (auto code : kAll) {
    slugs.insert(Slug(code));
    statuses.insert(HttpStatus(code));
    EXPECT_FALSE(Title(code).empty());
  }
  EXPECT_EQ(slugs.size(), std::size(kAll));
  EXPECT_EQ(statuses.size(), std::size(kAll));
}

TEST(Result, CarriesAValueOrAnError) {
  auto lookup = [](int id) -> Result<int> {
    if (id == 1) return 42;
    return Fail(Error::NotFound("no such thing"));
  };
  EXPECT_EQ(*lookup(1), 42);
  ASSERT_FALSE(lookup(2));
  EXPECT_EQ(lookup(2).error().code, ErrorCode::kNotFound);
}

TEST(FieldErrors, CollectsEveryInvalidField) {
  FieldErrors errors;
  EXPECT_TRUE(errors.empty());
  errors.Add("name", "is required");
  errors.Add("latitude", "must be between -90 and 90");
  Error error = errors.ToError();
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  ASSERT_EQ(error.fields.size(), 2u);
  EXPECT_EQ(error.fields[1], (FieldError{"latitude", "must be between -90 and 90"}));
}

TEST(ErrorException, CarriesItsError) {
  try {
    throw ErrorException(Error::Conflict("already exists"));
  } catch (const ErrorException& e) {
    EXPECT_EQ(e.error().code, ErrorCode::kConflict);
    EXPECT_STREQ(e.what(), "already exists");
  }
}

}  // namespace
}  // namespace vetahut::core
