#pragma once
/// application/x-www-form-urlencoded, as Stripe's API takes it: nested keys are spelled
/// `card[number]`, `metadata[order_id]` and encoded like any other key.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vetahut::payment {

/// Ordered key/value pairs of a form body.
using FormFields = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes one key or value (WHATWG urlencoded): A–Z a–z 0–9 `*-._` stay, a space
/// becomes '+', every other byte %XX (upper-case hex).
std::string FormEscape(std::string_view text);
/// "k1=v1&k2=v2" with both sides escaped, in the given order.
std::string FormEncode(const FormFields& fields);
/// Splits and decodes a form body ('+' is a space); pairs without '=' get an empty value.
FormFields FormDecode(std::string_view body);

}  // namespace vetahut::payment
