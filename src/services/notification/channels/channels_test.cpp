// The channel adapters against fakes on loopback: SMTP with libcurl (multipart text + HTML built
// with curl's MIME API, RFC 2047 subject, the deterministic Message-ID, AUTH, one connection for
// several messages, 4xx = later and 5xx = never), the Twilio-shaped SMS adapter (form body, basic
// auth, E.164 only, 5xx = later and 4xx = never) and the file outbox of the embedded default.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "services/notification/channels/fake_sms_provider.hpp"
#include "services/notification/channels/fake_smtp_server.hpp"
#include "services/notification/channels/file_channels.hpp"
#include "services/notification/channels/mime.hpp"
#include "services/notification/channels/smtp_channel.hpp"
#include "services/notification/channels/twilio_channel.hpp"

namespace vetahut::notification {
namespace {

namespace fs = std::filesystem;

OutgoingMessage Message(std::string to = "ana@example.test") {
  OutgoingMessage m;
  m.delivery_id = "ntf_01";
  m.notification = "order_confirmed";
  m.dedupe_key = "evt_1/order_confirmed/email/cus_1";
  m.recipient_id = "cus_1";
  m.address = std::move(to);
  m.name = "Ana Núñez";
  m.subject = "Tu pedido n.º 7 en Veta Hut Loop está confirmado";
  m.text = "Hola, Ana:\n\nTotal: 16,32\u00A0US$\n";
  m.html = "<p>Hola, Ana:</p><p>Total: <strong>16,32&nbsp;US$</strong></p>";
  m.created_at = *core::ParseRfc3339("2026-03-03T19:45:00Z");
  return m;
}

SmtpOptions Smtp(const testing::FakeSmtpServer& server) {
  SmtpOptions o;
  o.url = server.url();
  o.from_address = "orders@vetahut.test";
  o.from_name = "Veta Hut";
  o.tls = "try";
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

TEST(SmtpChannel, SendsAMultipartAlternativeWithAnEncodedSubjectAndTheDeliverysMessageId) {
  testing::FakeSmtpServer server;
  SmtpChannel smtp(Smtp(server));
  auto sent = smtp.Send(Message());
  ASSERT_TRUE(sent) << sent.error().detail;
  const auto mails = server.Messages();
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.mail_from, "<orders@vetahut.test>");
  EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"<ana@example.test>"});
  const std::string& data = mail.data;
  const std::string message_id = MessageIdFor("evt_1/order_confirmed/email/cus_1", "vetahut.test");
  EXPECT_EQ(sent->provider_id, message_id);
  EXPECT_NE(data.find("Message-ID: " + message_id + "\r\n"), std::string::npos) << data;
  EXPECT_NE(data.find("Subject: " +
                      EncodeHeaderWords("Tu pedido n.º 7 en Veta Hut Loop está confirmado", " ") +
                      "\r\n"),
            std::string::npos)
      << data;
  EXPECT_NE(data.find("From: Veta Hut <orders@vetahut.test>\r\n"), std::string::npos);
  EXPECT_NE(data.find("To: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(data.find("X-Vetahut-Notification: order_confirmed\r\n"), std::string::npos);
  EXPECT_NE(data.find("Date: Tue, 03 Mar 2026 19:45:00 +0000\r\n"), std::string::npos);
  // The body: multipart/alternative, text first, both quoted-printable UTF-8.
  const auto alternative = data.find("multipart/alternative; boundary=");
  ASSERT_NE(alternative, std::string::npos) << data;
  const auto text = data.find("Content-Type: text/plain; charset=utf-8");
  const auto html = data.find("Content-Type: text/html; charset=utf-8");
  ASSERT_NE(text, std::string::npos) << data;
  ASSERT_NE(html, std::string::npos) << data;
  EXPECT_LT(alternative, text);
  EXPECT_LT(text, html);
  EXPECT_NE(data.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
  EXPECT_NE(data.find("Total: 16,32=C2=A0US$"), std::string::npos) << data;
  EXPECT_NE(data.find("<strong>16,32&nbsp;US$</strong>"), std::string::npos) << data;
  EXPECT_EQ(mail.auth, "") << "no AUTH without a user";
}

TEST(SmtpChannel, AuthenticatesAndKeepsOneConnectionForSeveralMessages) {
  testing::FakeSmtpServer server(/*advertise_auth=*/true);
  auto options = Smtp(server);
  options.username = "mailer";
  options.password = "s3cret";
  SmtpChannel smtp(options);
  ASSERT_TRUE(smtp.Send(Message("a@example.test")));
  ASSERT_TRUE(smtp.Send(Message("b@example.test")));
  const auto mails = server.Messages();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].auth, Base64(std::string("\0mailer\0s3cret", 14)));  // AUTH PLAIN
  EXPECT_EQ(mails[1].rcpt_to, std::vector<std::string>{"<b@example.test>"});
  EXPECT_EQ(mails[0].session, mails[1].session) << "the second message reuses the connection";
  EXPECT_EQ(server.Sessions(), 1);
}

TEST(SmtpChannel, ATemporaryRefusalIsRetriedLaterAndAPermanentOneIsNot) {
  testing::FakeSmtpServer server;
  SmtpChannel smtp(Smtp(server));
  server.FailNext("RCPT", 1, "451 4.3.0 Try again later");
  auto later = smtp.Send(Message());
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, core::ErrorCode::kUnavailable) << later.error().detail;
  EXPECT_NE(later.error().detail.find("451"), std::string::npos) << later.error().detail;
  server.FailNext("RCPT", 1, "550 5.1.1 No such user");
  auto never = smtp.Send(Message());
  ASSERT_FALSE(never);
  EXPECT_NE(never.error().code, core::ErrorCode::kUnavailable) << never.error().detail;
  EXPECT_NE(never.error().detail.find("550"), std::string::npos) << never.error().detail;
  EXPECT_TRUE(server.Messages().empty());
  ASSERT_TRUE(smtp.Send(Message()));  // the server takes mail again
  EXPECT_EQ(server.Messages().size(), 1u);
  EXPECT_EQ(server.Sessions(), 3) << "after a failure the next message starts a new session";
}

TEST(SmtpChannel, AServerThatIsDownIsRetriedLater) {
  int port;
  {
    testing::FakeSmtpServer gone;
    port = gone.port();
  }
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:" + std::to_string(port);
  options.from_address = "orders@vetahut.test";
  options.connect_timeout = std::chrono::milliseconds(500);
  SmtpChannel smtp(options);
  auto sent = smtp.Send(Message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, core::ErrorCode::kUnavailable) << sent.error().detail;
}

TEST(TwilioSmsChannel, PostsTheFormWithBasicAuthAndReturnsTheSid) {
  FakeSmsProvider provider("AC_unit", "token_unit");
  TwilioSmsChannel sms(
      {provider.url(), "AC_unit", "token_unit", "+13125550100", std::chrono::milliseconds(3000)});
  auto m = Message("+12125550004");
  m.text = "Veta Hut: tu pedido n.º 7 está listo para recoger & caliente";
  auto sent = sms.Send(m);
  ASSERT_TRUE(sent) << sent.error().detail;
  const auto messages = provider.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(sent->provider_id, messages[0].sid);
  EXPECT_EQ(messages[0].to, "+12125550004");
  EXPECT_EQ(messages[0].from, "+13125550100");
  EXPECT_EQ(messages[0].body, m.text);  // form-encoded and decoded intact (ñ, º, &)
  EXPECT_EQ(messages[0].idempotency_key.size(), 32u);
  // The same delivery sent again carries the same key: a provider that honours it sends once.
  ASSERT_TRUE(sms.Send(m));
  EXPECT_EQ(provider.Messages().size(), 1u);
}

TEST(TwilioSmsChannel, OnlyE164NumbersAndTheProvidersRefusalsAreFinalButItsOutagesAreNot) {
  FakeSmsProvider provider;
  TwilioSmsChannel sms({provider.url(), provider.account_sid(), provider.auth_token(),
                        "+13125550100", std::chrono::milliseconds(3000)});
  auto local = sms.Send(Message("2125550004"));
  ASSERT_FALSE(local);
  EXPECT_NE(local.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(provider.Requests(), 0) << "a number that is not E.164 never leaves";
  provider.FailNext(1);
  auto outage = sms.Send(Message("+12125550004"));
  ASSERT_FALSE(outage);
  EXPECT_EQ(outage.error().code, core::ErrorCode::kUnavailable) << outage.error().detail;
  TwilioSmsChannel wrong_token({provider.url(), provider.account_sid(), "nope", "+13125550100",
                                std::chrono::milliseconds(3000)});
  auto refused = wrong_token.Send(Message("+12125550004"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().detail.find("20003"), std::string::npos) << refused.error().detail;
  EXPECT_TRUE(provider.Messages().empty());
}

TEST(FileChannels, WriteAnEmlAndAnSmsFileNamedByTheDelivery) {
  const fs::path dir = fs::temp_directory_path() / ("vetahut-outbox-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  MailFileChannel mail(dir, "orders@vetahut.test", "Veta Hut", "");
  auto written = mail.Send(Message());
  ASSERT_TRUE(written) << written.error().detail;
  ASSERT_TRUE(mail.Send(Message()));  // a re-send rewrites the same file
  const fs::path eml = dir / "order_confirmed-ntf_01.eml";
  ASSERT_TRUE(fs::exists(eml));
  std::ifstream in(eml, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(content.find("Message-ID: " + written->provider_id), std::string::npos);
  EXPECT_NE(content.find("multipart/alternative"), std::string::npos);
  SmsFileChannel sms(dir, "+13125550100");
  ASSERT_TRUE(sms.Send(Message("+12125550004")));
  EXPECT_FALSE(sms.Send(Message("not-a-number")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vetahut::notification
