#pragma once
/// The pieces of an Internet message that both the SMTP adapter and the file outbox need: RFC 2047
/// encoded words for non-ASCII headers, base64, quoted-printable, RFC 5322 dates, a Message-ID
/// derived from the delivery's dedupe key (so a receiver can drop a re-send), and a whole
/// multipart/alternative message for the `.eml` files of the embedded default.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/clock.hpp"

namespace vetahut::notification {

/// Standard base64 (RFC 4648) with padding.
std::string Base64(std::string_view bytes);

/// A header value as it may appear in a message: unchanged when it is printable ASCII without
/// "=?"; otherwise RFC 2047 "=?UTF-8?B?…?=" words of at most 75 characters each, never splitting
/// a UTF-8 character, joined by `separator` (" " or a fold, "\r\n "). Control characters
/// (CR, LF…) become spaces first: a header can never be split by a value.
std::string EncodeHeaderWords(std::string_view text, std::string_view separator = "\r\n ");

/// `Name <address>` with the name encoded as needed (quoted when it has specials); just the
/// address when the name is empty.
std::string FormatMailbox(std::string_view name, std::string_view address,
                          std::string_view separator = "\r\n ");

/// Quoted-printable (RFC 2045) with CRLF line breaks and soft breaks at 76 characters.
std::string QuotedPrintable(std::string_view text);

/// "Tue, 03 Mar 2026 19:45:00 +0000".
std::string FormatRfc5322Date(core::TimePoint at);

/// "<32 hex digits of SHA-256(dedupe_key)@domain>": the same delivery always has the same id.
std::string MessageIdFor(std::string_view dedupe_key, std::string_view domain);

/// The domain part of an address ("orders@vetahut.test" → "vetahut.test"; "localhost" if none).
std::string DomainOf(std::string_view address);

/// An email as the platform sends it.
struct MailMessage {
  std::string from_address;
  std::string from_name;
  std::string to_address;
  std::string to_name;
  std::string subject;
  std::string text;  ///< UTF-8 plain text
  std::string html;  ///< UTF-8 HTML
  std::string message_id;
  core::TimePoint date{};
  std::vector<std::pair<std::string, std::string>> extra_headers;  ///< e.g. X-Vetahut-Notification
};

/// The header lines every sent message has (Date, From, To, Subject, Message-ID, extras), as
/// "Name: value" without line ends; `fold` joins encoded words.
std::vector<std::string> HeaderLines(const MailMessage& message, std::string_view fold = "\r\n ");

/// The whole message (RFC 5322 + MIME): multipart/alternative with a quoted-printable text/plain
/// and text/html part, CRLF line ends, a boundary derived from the Message-ID.
std::string BuildEml(const MailMessage& message);

}  // namespace vetahut::notification
