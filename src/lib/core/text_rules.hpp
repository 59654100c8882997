#pragma once
/// The rules every text from outside follows, in one place: valid UTF-8, no control characters
/// (tabs and newlines only in multi-line fields such as notes), trimmed, bounded in characters;
/// emails normalized before anyone compares them; the shapes of phone numbers and country codes.
/// See docs/guide.md, "Input rules and limits".
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace vetahut::core {

/// An E.164 phone number: '+', a non-zero digit, 7 to 15 digits in all ("+12125550100").
inline bool IsE164Phone(std::string_view s) {
  return s.size() >= 8 && s.size() <= 16 && s[0] == '+' && s[1] != '0' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// An ISO 3166-1 alpha-2 country code ("US", "DE").
inline bool IsCountryCode(std::string_view s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view text);

/// The first control character in `text` (C0, DEL or C1), allowing tab, LF and CR when
/// `multiline`; nullopt when there is none. `text` must be valid UTF-8.
std::optional<char32_t> FindControlCharacter(std::string_view text, bool multiline);

/// How a text field is cleaned.
struct TextRule {
  std::size_t max_chars = 200;  ///< Unicode code points after trimming
  bool multiline = false;       ///< tabs and newlines allowed (notes, instructions)
  bool required = true;         ///< empty after trimming is an error
};

/// The cleaned text (surrounding white space trimmed) or "" with a message added to `errors`
/// under `field`: not UTF-8, a control character, empty when required, too long.
std::string CleanText(std::string_view field, std::string_view text, const TextRule& rule, FieldErrors& errors);

/// An email address normalized for storage and comparison: trimmed and lower-cased (so the same
/// mailbox is one account however it is typed). Only ASCII addresses are accepted (RFC 5321
/// without SMTPUTF8), which also makes Unicode normalization moot; a problem is added to
/// `errors` under `field` and "" returned.
std::string NormalizeEmail(std::string_view field, std::string_view text, FieldErrors& errors);

}  // namespace vetahut::core
