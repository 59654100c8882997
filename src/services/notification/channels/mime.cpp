#include "services/notification/channels/mime.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

namespace vetahut::notification {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsPlainHeaderText(std::string_view text) {
  if (text.find("=?") != std::string_view::npos) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

/// Control characters (and the line breaks among them) as spaces; UTF-8 sequences untouched.
std::string WithoutControls(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

/// The length of the UTF-8 sequence starting with `lead` (1 for a stray byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

std::string Hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string EncodeHeaderWords(std::string_view text, std::string_view separator) {
  const std::string clean = WithoutControls(text);
  if (IsPlainHeaderText(clean)) return clean;
  // "=?UTF-8?B?" + base64 + "?=" ≤ 75 characters: at most 60 base64 characters, 45 bytes.
  constexpr std::size_t kMaxBytes = 45;
  std::string out;
  std::size_t start = 0;
  while (start < clean.size()) {
    std::size_t end = start;
    while (end < clean.size()) {
      const std::size_t n = SequenceLength(static_cast<unsigned char>(clean[end]));
      if (end + n - start > kMaxBytes) break;
      end += n;
    }
    if (end == start)
      end = std::min(clean.size(), start + kMaxBytes);  // a malformed tail: never loop
    if (!out.empty()) out += separator;
    out += "=?UTF-8?B?" + Base64(std::string_view(clean).substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string FormatMailbox(std::string_view name, std::string_view address,
                          std::string_view separator) {
  if (name.empty()) return std::string(address);
  const std::string clean = WithoutControls(name);
  if (IsPlainHeaderText(clean)) {
    const bool specials = clean.find_first_of("()<>[]:;@\\,.\"") != std::string::npos;
    if (!specials) return fmt::format("{} <{}>", clean, address);
    std::string quoted;
    for (char c : clean) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return fmt::format("\"{}\" <{}>", quoted, address);
  }
  return fmt::format("{} <{}>", EncodeHeaderWords(clean, separator), address);
}

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  std::size_t line = 0;
  auto put = [&](std::string_view piece) {
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      // A space or tab before a line break must be encoded (transports strip it).
      if (!out.empty() && (out.back() == ' ' || out.back() == '\t') && line > 0) {
        const char last = out.back();
        out.pop_back();
        --line;
        put(fmt::format("={:02X}", static_cast<unsigned char>(last)));
      }
      out += "\r\n";
      line = 0;
      continue;
    }
    const bool literal = (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t';
    if (literal) {
      put(std::string_view(&text[i], 1));
    } else {
      put(fmt::format("={:02X}", c));
    }
  }
  if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    const char last = out.back();
    out.pop_back();
    out += fmt::format("={:02X}", static_cast<unsigned char>(last));
  }
  return out;
}

std::string FormatRfc5322Date(core::TimePoint at) {
  return date::format("%a, %d %b %Y %H:%M:%S +0000", date::floor<std::chrono::seconds>(at));
}

std::string MessageIdFor(std::string_view dedupe_key, std::string_view domain) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(dedupe_key.data()),
                     dedupe_key.size());
  return fmt::format("<{}@{}>", Hex(digest, 16), domain);
}

std::string DomainOf(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return "localhost";
  return std::string(address.substr(at + 1));
}

std::vector<std::string> HeaderLines(const MailMessage& m, std::string_view fold) {
  std::vector<std::string> lines{
      "Date: " + FormatRfc5322Date(m.date),
      "From: " + FormatMailbox(m.from_name, m.from_address, fold),
      "To: " + FormatMailbox(m.to_name, m.to_address, fold),
      "Subject: " + EncodeHeaderWords(m.subject, fold),
      "Message-ID: " + m.message_id,
  };
  for (const auto& [name, value] : m.extra_headers)
    lines.push_back(name + ": " + EncodeHeaderWords(value, fold));
  return lines;
}

std::string BuildEml(const MailMessage& m) {
  const std::string boundary =
      "=_vetahut_" + std::string(MessageIdFor(m.message_id, "b").substr(1, 24));
  std::string out;
  for (const auto& line : HeaderLines(m)) out += line + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a message in MIME format: a plain-text and an HTML version.\r\n";
  auto part = [&](std::string_view type, std::string_view body) {
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += QuotedPrintable(body);
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace vetahut::notification
