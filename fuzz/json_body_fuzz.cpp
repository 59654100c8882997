// Request bodies through http::ParseJsonObject with the limits the routes use. The first byte
// picks the limits and the Content-Type; the rest is the body. Properties: only 400, 413, 415 or
// a 422 naming fields (control characters) come back; what is accepted is an object within the
// size and depth limits, holds no control character but tab and line breaks, and survives a
// serialize-and-parse round trip unchanged.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fuzz_check.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/http/json_body.hpp"

namespace {

using namespace vetahut;

// As the routes call it (grep ParseJsonObject / ObjectBody in src/services).
constexpr http::JsonLimits kLimits[] = {
    {.max_bytes = 64 * 1024, .max_depth = 8},   // customer
    {.max_bytes = 64 * 1024, .max_depth = 16},  // menu, orders (quotes, carts)
    {.max_bytes = 4096, .max_depth = 16},       // order status, cancel, refunds
    {.max_bytes = 2048, .max_depth = 4},        // small admin bodies
    {.max_bytes = 512 * 1024, .max_depth = 8},  // location imports
    {.max_bytes = 4 << 20, .max_depth = 32},    // catalog drafts
    {},                                         // the defaults
};
constexpr const char* kContentTypes[] = {nullptr,
                                         "application/json",
                                         "application/json; charset=utf-8",
                                         "application/merge-patch+json",
                                         "text/plain",
                                         "APPLICATION/JSON"};

std::size_t Depth(const boost::json::value& v) {
  std::size_t deepest = 0;
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) deepest = std::max(deepest, Depth(child));
    return deepest + 1;
  }
  if (v.is_array()) {
    for (const auto& child : v.as_array()) deepest = std::max(deepest, Depth(child));
    return deepest + 1;
  }
  return 0;
}

// Equal, except that doubles may differ in the last bits: Boost.JSON 1.81 does not round every
// long decimal correctly, so text → double → shortest text → double can move by an ulp. That is
// the library's precision, not a defect of ours; everything else must survive exactly.
bool SameValue(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!SameValue(p[i], q[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& [key, value] : p) {
      const boost::json::value* other = q.if_contains(key);
      if (other == nullptr || !SameValue(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool HasControlCharacter(const boost::json::value& v) {
  auto text = [](std::string_view s) { return core::FindControlCharacter(s, /*multiline=*/true).has_value(); };
  if (v.is_string()) return text(v.get_string());
  if (v.is_array()) {
    for (const auto& child : v.get_array()) {
      if (HasControlCharacter(child)) return true;
    }
  }
  if (v.is_object()) {
    for (const auto& [key, child] : v.get_object()) {
      if (text(key) || HasControlCharacter(child)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const http::JsonLimits limits = kLimits[pick % std::size(kLimits)];
  const char* content_type = kContentTypes[(pick / std::size(kLimits)) % std::size(kContentTypes)];
  http::Request request;
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (content_type != nullptr) request.headers.push_back({"Content-Type", content_type});

  auto parsed = http::ParseJsonObject(request, limits);
  if (!parsed) {
    const int status = core::HttpStatus(parsed.error().code);
    FUZZ_CHECK(status == 400 || status == 413 || status == 415 || (status == 422 && !parsed.error().fields.empty()),
               "a refused body is 400, 413, 415, or 422 naming the field");
    FUZZ_CHECK(!parsed.error().detail.empty(), "a refusal says why");
    return 0;
  }
  FUZZ_CHECK(request.body.size() <= limits.max_bytes, "an accepted body is within max_bytes");
  const boost::json::value value(*parsed);
  FUZZ_CHECK(Depth(value) <= limits.max_depth, "an accepted body is within max_depth");
  FUZZ_CHECK(!HasControlCharacter(value), "an accepted body holds no control character but tab and line breaks");
  const std::string text = boost::json::serialize(value);
  boost::json::error_code ec;
  const boost::json::value again = boost::json::parse(text, ec);
  FUZZ_CHECK(!ec, "what was accepted serializes to valid JSON");
  FUZZ_CHECK(SameValue(again, value), "serialize then parse gives the same value");
  return 0;
}
