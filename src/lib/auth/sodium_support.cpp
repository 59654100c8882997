#include "lib/auth/sodium_support.hpp"

#include <sodium.h>

#include <stdexcept>

namespace vetahut::auth::detail {

void EnsureSodium() {
  // sodium_init() is itself idempotent; the function-local static makes the first call
  // thread-safe and keeps later calls free. It returns 0 (done) or 1 (already done), -1 on failure.
  static const int result = sodium_init();
  if (result < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
}

namespace {

std::string Encode(std::string_view bytes, int variant) {
  EnsureSodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // sodium_base64_encoded_len counts the terminating NUL
  return out;
}

std::optional<std::string> Decode(std::string_view text, int variant) {
  if (text.empty()) {
    return std::string();
  }
  EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t out_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &out_len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(out_len);
  return out;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, sodium_base64_VARIANT_ORIGINAL); }

std::optional<std::string> Base64Decode(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_ORIGINAL);
}

}  // namespace vetahut::auth::detail
