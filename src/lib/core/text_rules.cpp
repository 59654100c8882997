#include "lib/core/text_rules.hpp"

#include <fmt/format.h>

namespace vetahut::core {
namespace {

/// Decodes one code point at `i` of valid UTF-8 and advances `i`.
char32_t Next(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  const int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  char32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + std::size_t(k)]) & 0x3F);
  i += std::size_t(len);
  return cp;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    char32_t min = 0;
    if ((b & 0xE0) == 0xC0) {
      len = 2;
      min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + std::size_t(len) > s.size()) return false;
    char32_t cp = b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + std::size_t(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += std::size_t(len);
  }
  return true;
}

std::optional<char32_t> FindControlCharacter(std::string_view s, bool multiline) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t cp = Next(s, i);
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    if (!control) continue;
    if (multiline && (cp == '\t' || cp == '\n' || cp == '\r')) continue;
    return cp;
  }
  return std::nullopt;
}

std::string CleanText(std::string_view field, std::string_view text, const TextRule& rule, FieldErrors& errors) {
  if (!IsValidUtf8(text)) {
    errors.Add(std::string(field), "must be valid UTF-8 text");
    return {};
  }
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (auto c = FindControlCharacter(text, rule.multiline)) {
    errors.Add(std::string(field), rule.multiline || (*c != '\t' && *c != '\n' && *c != '\r')
                                       ? fmt::format("must not contain control characters (U+{:04X})", std::uint32_t(*c))
                                       : "must be a single line (no tabs or line breaks)");
    return {};
  }
  if (text.empty()) {
    if (rule.required) errors.Add(std::string(field), "is required");
    return {};
  }
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    Next(text, i);
    ++chars;
  }
  if (chars > rule.max_chars) {
    errors.Add(std::string(field), fmt::format("must be at most {} characters", rule.max_chars));
    return {};
  }
  return std::string(text);
}

std::string NormalizeEmail(std::string_view field, std::string_view text, FieldErrors& errors) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  const auto bad = [&] {
    errors.Add(std::string(field), "must be an email address like name@example.com");
    return std::string();
  };
  if (text.empty() || text.size() > 254) return bad();
  std::string email;
  email.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return bad();  // ASCII letters, digits and symbols only
    email.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at != email.rfind('@') || at > 64) return bad();
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos || email.find("..") != std::string::npos) {
    return bad();
  }
  for (char c : domain) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return bad();
  }
  return email;
}

}  // namespace vetahut::core
