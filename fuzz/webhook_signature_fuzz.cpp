// Payment processor callbacks through payment::VerifyWebhookSignature (Stripe's "t=…,v1=…"
// scheme, HMAC-SHA256, 300 s window), with a fixed secret and clock. The first byte picks the mode:
//   even: the rest is "<signature header>\n<body>" as anyone on the internet may send it;
//   odd:  the rest is "<t value>\n<body>", and this target signs it correctly with the secret,
//         so the fuzzer reaches the timestamp window behind the signature.
// Properties: never a crash or UB; an accepted header carries the HMAC of one of its t= values
// and the body; a correctly signed callback is accepted exactly when |now − t| ≤ 300 s.
#include <sodium.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "services/payment/provider.hpp"

namespace {

using namespace vetahut;

constexpr std::string_view kSecret = "whsec_fuzz_0123456789abcdef";
const core::TimePoint kNow = core::TimePoint(std::chrono::seconds(1'780'000'000));
constexpr std::chrono::seconds kTolerance{300};

// What a processor holding the secret sends as v1 for `t`: hex HMAC-SHA256(secret, "<t>.<body>"),
// computed here independently of provider.cpp (and for any t, which a TimePoint cannot hold).
std::string V1For(std::int64_t t, std::string_view body) {
  const std::string message = std::to_string(t) + "." + std::string(body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(kSecret.data()),
                              kSecret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, sizeof mac * 2);
}

// Independent of the verifier: some t= of the header and the body have their HMAC among the v1=.
bool CarriesAValidSignature(std::string_view header, std::string_view body) {
  std::vector<std::string_view> ts, v1s;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("t=")) ts.push_back(item.substr(2));
    if (item.starts_with("v1=")) v1s.push_back(item.substr(3));
  }
  for (std::string_view t : ts) {
    std::int64_t seconds = 0;
    if (std::from_chars(t.data(), t.data() + t.size(), seconds).ec != std::errc()) continue;
    const std::string expected = V1For(seconds, body);
    for (std::string_view v1 : v1s) {
      if (v1 == expected) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view first = rest.substr(0, newline);
  const std::string_view body = rest.substr(newline + 1);

  if (data[0] % 2 == 0) {
    auto verified = payment::VerifyWebhookSignature(kSecret, first, body, kNow, kTolerance);
    if (verified)
      FUZZ_CHECK(CarriesAValidSignature(first, body),
                 "an accepted callback was signed with the secret");
    if (!verified)
      FUZZ_CHECK(verified.error().code == core::ErrorCode::kUnauthenticated,
                 "a refused callback is a 401");
    return 0;
  }
  std::int64_t t = 0;
  auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), t);
  if (ec != std::errc() || end != first.data() + first.size() || first.empty()) return 0;
  const std::string header = "t=" + std::string(first) + ",v1=" + V1For(t, body);
  auto verified = payment::VerifyWebhookSignature(kSecret, header, body, kNow, kTolerance);
  const __int128 age = static_cast<__int128>(1'780'000'000) - t;
  const bool in_window = age <= kTolerance.count() && -age <= kTolerance.count();
  FUZZ_CHECK(verified.has_value() == in_window,
             "a signed callback is accepted exactly within the window");
  return 0;
}
