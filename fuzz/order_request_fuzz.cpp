// The fields of POST /api/v1/quotes and /orders that the order service reads itself (store,
// type, address, scheduled time, payment, notes) through order::ParseOrderRequest, as a quote and
// as a placement. Bad input must come back as a 422 naming fields, never an exception or a crash;
// an accepted request has what placement relies on.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "fuzz_check.hpp"
#include "services/order/order_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // the routes' max_bytes
  boost::json::parse_options options;
  options.max_depth = 16;  // the routes' max_depth
  boost::json::error_code ec;
  const boost::json::value body =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec || !body.is_object()) return 0;
  for (const bool placement : {false, true}) {
    auto request = vetahut::order::ParseOrderRequest(body.get_object(), placement);
    if (!request) {
      FUZZ_CHECK(request.error().code == vetahut::core::ErrorCode::kValidation, "a refusal is a 422");
      FUZZ_CHECK(!request.error().fields.empty(), "a refusal names its fields");
      continue;
    }
    FUZZ_CHECK(!request->store_id.empty(), "an accepted request names a store");
    if (request->type == vetahut::order::OrderType::kDelivery) {
      FUZZ_CHECK(request->point.has_value(), "an accepted delivery has a point");
      FUZZ_CHECK(request->point->latitude >= -90 && request->point->latitude <= 90, "latitude in range");
      FUZZ_CHECK(request->point->longitude >= -180 && request->point->longitude <= 180, "longitude in range");
    }
    if (placement) {
      FUZZ_CHECK(request->payment_method == "card" || request->payment_method == "pay_at_store", "a known payment method");
      FUZZ_CHECK(request->payment_method != "card" || !request->payment_token.empty(), "a card payment has a token");
    }
    for (const auto& note : request->notes) FUZZ_CHECK(note.size() <= 200, "notes are bounded");
  }
  return 0;
}
