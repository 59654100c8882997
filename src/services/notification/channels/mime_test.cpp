// The message pieces: base64, RFC 2047 encoded words, quoted-printable, dates, deterministic
// Message-IDs and the whole `.eml` of the file outbox.
#include "services/notification/channels/mime.hpp"

#include <gtest/gtest.h>

namespace vetahut::notification {
namespace {

/// Decodes what EncodeHeaderWords produced (for the round trip), or "" if a word is malformed.
std::string DecodeWords(std::string_view text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t pos = 0;
  while ((pos = text.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const auto end = text.find("?=", pos + 10);
    if (end == std::string_view::npos) return "";
    const std::string_view b64 = text.substr(pos + 10, end - pos - 10);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : b64) {
      if (c == '=') break;
      buffer = (buffer << 6) | static_cast<unsigned>(alphabet.find(c));
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((buffer >> bits) & 0xff);
      }
    }
    pos = end + 2;
  }
  return out;
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("AC_test:token"), "QUNfdGVzdDp0b2tlbg==");
}

TEST(Rfc2047, PlainAsciiStaysAsItIs) {
  EXPECT_EQ(EncodeHeaderWords("Your order #12 is confirmed"), "Your order #12 is confirmed");
}

TEST(Rfc2047, NonAsciiBecomesUtf8Base64Words) {
  EXPECT_EQ(EncodeHeaderWords("Bestätigt"), "=?UTF-8?B?QmVzdMOkdGlndA==?=");
  // "=?" in plain text would be read as an encoded word: it is encoded too.
  EXPECT_EQ(EncodeHeaderWords("a =?b"), "=?UTF-8?B?YSA9P2I=?=");
}

TEST(Rfc2047, LongSubjectsSplitIntoWordsOfAtMost75CharactersWithoutBreakingACharacter) {
  const std::string subject =
      "Tu pedido n.º 1234 en Veta Hut Loop está confirmado — ¡gracias! ñáéíóú ÄÖÜß €€€";
  const std::string encoded = EncodeHeaderWords(subject, " ");
  std::size_t start = 0;
  int words = 0;
  while (start < encoded.size()) {
    auto end = encoded.find(' ', start);
    if (end == std::string::npos) end = encoded.size();
    const std::string word = encoded.substr(start, end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    ++words;
    start = end + 1;
  }
  EXPECT_GE(words, 2);
  EXPECT_EQ(DecodeWords(encoded), subject);  // every word decodes to whole characters
  EXPECT_NE(EncodeHeaderWords(subject).find("\r\n "), std::string::npos) << "folded by default";
}

TEST(Rfc2047, ALineBreakInAValueCannotAddAHeader) {
  const std::string encoded = EncodeHeaderWords("Hi\r\nBcc: victim@example.com");
  EXPECT_EQ(encoded.find('\r'), std::string::npos);
  EXPECT_EQ(encoded.find('\n'), std::string::npos);
}

TEST(Mailbox, NamesAreQuotedOrEncodedAsNeeded) {
  EXPECT_EQ(FormatMailbox("", "a@b.test"), "a@b.test");
  EXPECT_EQ(FormatMailbox("Ada Lovelace", "a@b.test"), "Ada Lovelace <a@b.test>");
  EXPECT_EQ(FormatMailbox("Lovelace, Ada", "a@b.test"), "\"Lovelace, Ada\" <a@b.test>");
  EXPECT_EQ(FormatMailbox("José", "j@b.test"), "=?UTF-8?B?Sm9zw6k=?= <j@b.test>");
}

TEST(QuotedPrintable, EncodesNonAsciiEqualsAndTrailingSpaceAndWrapsAt76) {
  EXPECT_EQ(QuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(QuotedPrintable("Total: 16,32\u00A0US$"), "Total: 16,32=C2=A0US$");
  EXPECT_EQ(QuotedPrintable("end \nnext"), "end=20\r\nnext");
  const std::string long_line(200, 'x');
  const std::string encoded = QuotedPrintable(long_line);
  std::size_t start = 0;
  while (start < encoded.size()) {
    auto end = encoded.find("\r\n", start);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  std::string decoded = encoded;
  for (std::size_t p; (p = decoded.find("=\r\n")) != std::string::npos;) decoded.erase(p, 3);
  EXPECT_EQ(decoded, long_line);
}

TEST(MessageId, IsDerivedFromTheDedupeKeySoAResendKeepsIt) {
  const auto a = MessageIdFor("evt_1/order_confirmed/email/cus_1", "vetahut.test");
  EXPECT_EQ(a, MessageIdFor("evt_1/order_confirmed/email/cus_1", "vetahut.test"));
  EXPECT_NE(a, MessageIdFor("evt_2/order_confirmed/email/cus_1", "vetahut.test"));
  EXPECT_EQ(a.size(), 1 + 32 + 1 + 12 + 1);
  EXPECT_TRUE(a.starts_with("<") && a.ends_with("@vetahut.test>")) << a;
  EXPECT_EQ(DomainOf("orders@vetahut.local"), "vetahut.local");
  EXPECT_EQ(DomainOf("nobody"), "localhost");
}

TEST(Eml, IsAMultipartAlternativeWithTextThenHtml) {
  MailMessage m;
  m.from_address = "orders@vetahut.test";
  m.from_name = "Veta Hut";
  m.to_address = "ana@example.test";
  m.to_name = "Ana Núñez";
  m.subject = "Pedido n.º 7 confirmado";
  m.text = "Total: 16,32\u00A0US$\n";
  m.html = "<p>Total: <strong>16,32&nbsp;US$</strong></p>";
  m.message_id = MessageIdFor("k", "vetahut.test");
  m.date = *core::ParseRfc3339("2026-03-03T19:45:00Z");
  m.extra_headers = {{"X-Vetahut-Notification", "order_confirmed"}};
  const std::string eml = BuildEml(m);
  EXPECT_NE(eml.find("Date: Tue, 03 Mar 2026 19:45:00 +0000\r\n"), std::string::npos) << eml;
  EXPECT_NE(eml.find("From: Veta Hut <orders@vetahut.test>\r\n"), std::string::npos);
  EXPECT_NE(eml.find("To: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(eml.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(eml.find("Message-ID: " + m.message_id + "\r\n"), std::string::npos);
  EXPECT_NE(eml.find("MIME-Version: 1.0\r\n"), std::string::npos);
  const auto boundary_at = eml.find("boundary=\"");
  ASSERT_NE(boundary_at, std::string::npos);
  const std::string boundary =
      eml.substr(boundary_at + 10, eml.find('"', boundary_at + 10) - boundary_at - 10);
  const auto text_part = eml.find("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8");
  const auto html_part = eml.find("--" + boundary + "\r\nContent-Type: text/html; charset=utf-8");
  ASSERT_NE(text_part, std::string::npos);
  ASSERT_NE(html_part, std::string::npos);
  EXPECT_LT(text_part, html_part);
  EXPECT_NE(eml.find("Total: 16,32=C2=A0US$"), std::string::npos);
  EXPECT_TRUE(eml.ends_with("--" + boundary + "--\r\n"));
  // No bare LF anywhere: every line ends in CRLF.
  for (std::size_t i = 0; i < eml.size(); ++i) {
    if (eml[i] == '\n') {
      ASSERT_TRUE(i > 0 && eml[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

}  // namespace
}  // namespace vetahut::notification
