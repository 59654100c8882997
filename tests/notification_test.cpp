// End to end through the real binary, on SQLite and PostgreSQL, with a real SMTP server
// (aiosmtpd, started here on loopback) and a fake Twilio: a customer who chose Spanish and every
// channel gets the confirmation of an order placed through the API by email (with the right total,
// as a Spanish reader writes it), the ready message by SMS and both in their in-app list and
// stream, each exactly once; bad preferences are refused naming the field and change nothing; a
// mail server that is down is retried and then the message is dead, and an admin's retry once it
// is back sends it exactly once.
#include <gtest/gtest.h>

#include <thread>

#include "order_fixture.hpp"
#include "services/notification/channels/fake_sms_provider.hpp"
#include "services/notification/domain/locale_format.hpp"
#include "smtp_sink.hpp"
#include "sse_client.hpp"

namespace vetahut::testing {
namespace {

using notification::FakeSmsProvider;

class NotificationE2E : public OrderFixture {
 protected:
  /// Configures the binary's [notification] section for the sink and the fake provider.
  void UseChannels(const SmtpSink& sink, const FakeSmsProvider& sms) {
    for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"VETAHUT_NOTIFICATION_EMAIL", "smtp"},
             {"VETAHUT_NOTIFICATION_SMTP_URL", sink.url()},
             {"VETAHUT_NOTIFICATION_SMTP_TIMEOUT_MS", "3000"},
             {"VETAHUT_NOTIFICATION_CLAIM_LEASE_S", "30"},
             {"VETAHUT_NOTIFICATION_MAIL_FROM", "orders@vetahut.test"},
             {"VETAHUT_NOTIFICATION_SMS", "twilio"},
             {"VETAHUT_NOTIFICATION_SMS_API_BASE", sms.url()},
             {"VETAHUT_NOTIFICATION_SMS_ACCOUNT_SID", sms.account_sid()},
             {"VETAHUT_NOTIFICATION_SMS_AUTH_TOKEN", sms.auth_token()},
             {"VETAHUT_NOTIFICATION_SMS_FROM", "+13125550100"},
             {"VETAHUT_NOTIFICATION_MAX_ATTEMPTS", "3"},
             {"VETAHUT_NOTIFICATION_RETRY_FIRST_MS", "200"},
             {"VETAHUT_NOTIFICATION_RETRY_MAX_MS", "400"},
         }) {
      env_.push_back({k, v});
    }
  }

  static std::size_t CountOf(const std::vector<SunkMail>& mails, const std::string& notification,
                             const std::string& needle) {
    return static_cast<std::size_t>(
        std::count_if(mails.begin(), mails.end(), [&](const SunkMail& m) {
          return m.notification == notification && m.subject.find(needle) != std::string::npos;
        }));
  }

  json::array Deliveries(const std::string& query) {
    auto r = client_.Get(url_ + "/api/v1/admin/notifications?" + query, Admin(url_));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().detail);
    return r && r->status == 200 ? json::parse(r->body).at("items").as_array() : json::array{};
  }

  /// Polls the delivery log until `match` finds a delivery (or 20 s pass).
  std::optional<json::object> WaitForDelivery(
      const std::string& query, const std::function<bool(const json::object&)>& match) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& d : Deliveries(query)) {
        if (match(d.as_object())) return d.as_object();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  const std::string prefs_url() const { return url_ + "/api/v1/me/notification-preferences"; }
};

TEST_F(NotificationE2E,
       ACustomerGetsTheConfirmationByEmailAndTheReadySmsInTheirLanguageExactlyOnce) {
  SmtpSink sink(data_dir_ / "maildir");
  FakeSmsProvider sms;
  UseChannels(sink, sms);
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();

  // Bad preferences: a precise 422 each, and nothing changes.
  auto before = client_.Get(prefs_url(), customer_);
  ASSERT_EQ(before->status, 200) << before->body;
  for (auto [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"channels": {"pigeon": true}})", "channels.pigeon"},
           {R"({"channels": {"email": false, "sms": false, "in_app": false}})", "channels"},
           {R"({"locale": "fr"})", "locale"},
           {R"({"locale": "es_ES!"})", "locale"},
           {R"({"quiet_hours": {"start": "25:00", "end": "07:00"}})", "quiet_hours.start"},
           {R"({"quiet_hours": {"start": "22:00", "end": "22:00"}})", "quiet_hours"},
           {R"({"channels": {"sms": "yes"}})", "channels.sms"},
           {R"({"locale": ")" + std::string(5000, 'e') + R"("})", ""},
       }) {
    auto r = client_.Send(Method::kPut, prefs_url(), customer_, body);
    ASSERT_TRUE(r);
    if (field.empty()) {
      EXPECT_EQ(r->status, 413) << r->body;  // over the 4 KB a preference document may take
      continue;
    }
    ExpectProblem(*r, 422);
    EXPECT_NE(r->body.find("\"field\":\"" + field + "\""), std::string::npos)
        << body << " → " << r->body;
  }
  EXPECT_EQ(client_.Get(prefs_url(), customer_)->body, before->body);
  // Spanish, on every channel (the demo customer has a phone number).
  auto chosen =
      client_.Send(Method::kPut, prefs_url(), customer_,
                   R"({"locale": "es", "channels": {"email": true, "sms": true, "in_app": true}})");
  ASSERT_EQ(chosen->status, 200) << chosen->body;
  EXPECT_EQ(json::parse(chosen->body).at("locale").as_string(), "es");

  SseClient stream;
  ASSERT_TRUE(stream.Open(url_ + "/api/v1/me/notifications/stream", customer_));
  ASSERT_TRUE(stream.WaitFor([](const SseEvent& e) { return e.event == "unread"; }));

  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "notify-1");
  ASSERT_FALSE(order.empty());
  const std::string id(order.at("id").as_string());
  const std::string number = std::to_string(order.at("number").as_int64());
  const std::int64_t total = Amount(order.at("total"));
  const std::string subject = "Tu pedido n.º " + number + " en Veta Hut Loop está confirmado";

  auto mails =
      sink.WaitFor([&](const auto& m) { return CountOf(m, "order_confirmed", subject) >= 1; });
  ASSERT_EQ(CountOf(mails, "order_confirmed", subject), 1u) << serve.Log();
  const SunkMail* confirmation = nullptr;
  for (const auto& m : mails) {
    if (m.notification == "order_confirmed") confirmation = &m;
  }
  ASSERT_TRUE(confirmation);
  EXPECT_NE(confirmation->to.find("customer@demo.vetahut.test"), std::string::npos)
      << confirmation->to;
  const std::string total_text = notification::FormatMoney(total, "USD", "es");
  EXPECT_NE(confirmation->text.find("Total: " + total_text), std::string::npos)
      << confirmation->text;
  EXPECT_NE(confirmation->html.find(total_text), std::string::npos) << confirmation->html;
  EXPECT_NE(confirmation->text.find("Pagas en el local."), std::string::npos) << confirmation->text;
  EXPECT_NE(confirmation->text.find("Pepperoni (mitad izquierda)"), std::string::npos)
      << confirmation->text;
  EXPECT_FALSE(confirmation->message_id.empty());
  ASSERT_TRUE(stream.WaitFor([](const SseEvent& e) {
    return e.event == "notification" && e.data.find("order_confirmed") != std::string::npos;
  })) << serve.Log();

  // The store works the order by hand to ready: the SMS goes.
  for (const char* status : {"preparing", "baking", "ready"})
    Expect(Move(id, status, manager_), 200);
  const std::string ready_text =
      "tu pedido n.º " + number + " está listo para recoger en Veta Hut Loop";
  std::vector<notification::FakeSmsMessage> texts;
  for (int i = 0; i < 300; ++i) {
    texts = sms.Messages();
    if (std::any_of(texts.begin(), texts.end(),
                    [&](const auto& t) { return t.body.find(ready_text) != std::string::npos; }))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto ready_sms = std::count_if(texts.begin(), texts.end(), [&](const auto& t) {
    return t.body.find(ready_text) != std::string::npos;
  });
  EXPECT_EQ(ready_sms, 1) << serve.Log();
  for (const auto& t : texts) EXPECT_EQ(t.to, "+12125550004");
  ASSERT_TRUE(stream.WaitFor([](const SseEvent& e) {
    return e.event == "notification" && e.data.find("order_ready") != std::string::npos;
  }));

  // The in-app list, read state, and strangers' ids.
  auto list = client_.Get(url_ + "/api/v1/me/notifications?unread=true", customer_);
  ASSERT_EQ(list->status, 200) << list->body;
  const auto page = json::parse(list->body);
  ASSERT_GE(page.at("items").as_array().size(), 2u) << page;
  const std::string first(page.at("items").as_array()[0].at("id").as_string());
  const auto unread = page.at("unread").as_int64();
  auto read = client_.Post(url_ + "/api/v1/me/notifications/" + first + "/read", "", customer_);
  ASSERT_EQ(read->status, 200) << read->body;
  EXPECT_TRUE(json::parse(read->body).at("read").as_bool());
  EXPECT_EQ(json::parse(client_.Get(url_ + "/api/v1/me/notifications", customer_)->body)
                .at("unread")
                .as_int64(),
            unread - 1);
  ExpectProblem(*client_.Post(url_ + "/api/v1/me/notifications/" + first + "/read", "", manager_),
                404);
  ExpectProblem(*client_.Get(url_ + "/api/v1/me/notifications?unread=maybe", customer_), 422);

  // Nothing more arrives: each message went once.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(CountOf(sink.Messages(), "order_confirmed", subject), 1u);
  texts = sms.Messages();
  EXPECT_EQ(
      std::count_if(texts.begin(), texts.end(),
                    [&](const auto& t) { return t.body.find(ready_text) != std::string::npos; }),
      1);

  // The admins' delivery log has each with its provider's id; customers may not read it.
  auto sent = Deliveries("status=sent&channel=sms");
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].at("provider").as_string(), "twilio");
  EXPECT_EQ(std::string(sent[0].at("provider_id").as_string()).substr(0, 2), "SM");
  ExpectProblem(*client_.Get(url_ + "/api/v1/admin/notifications?status=lost", Admin(url_)), 422);
  ExpectProblem(*client_.Get(url_ + "/api/v1/admin/notifications", customer_), 403);
  auto metrics = client_.Get(serve.UrlOf("notification") + "/metrics");
  EXPECT_NE(metrics->body.find("notification_messages_total{channel=\"sms\",outcome=\"sent\"}"),
            std::string::npos);
}

TEST_F(NotificationE2E,
       AMailServerThatIsDownIsRetriedThenGivenUpAndARetryOnceItIsBackSendsExactlyOnce) {
  SmtpSink sink(data_dir_ / "maildir");
  FakeSmsProvider sms;
  UseChannels(sink, sms);
  sink.Stop();  // the mail server is down from the start
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();

  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "notify-down");
  ASSERT_FALSE(order.empty());
  const std::string id(order.at("id").as_string());
  auto is_confirmation = [&](const json::object& d) {
    return d.at("notification").as_string() == "order_confirmed" &&
           d.at("order_id").as_string() == id && d.at("channel").as_string() == "email";
  };
  // Three attempts with back-off (200 ms, 400 ms), then given up.
  auto dead = WaitForDelivery("status=dead&channel=email", is_confirmation);
  ASSERT_TRUE(dead) << serve.Log();
  EXPECT_EQ(dead->at("attempts").as_int64(), 3);
  EXPECT_NE(dead->at("error").as_string().find("smtp"), std::string::npos) << *dead;
  EXPECT_TRUE(sink.Messages().empty());
  // The in-app copy did not wait for the mail server.
  auto in_app = Deliveries("status=sent&channel=in_app");
  EXPECT_TRUE(std::any_of(in_app.begin(), in_app.end(), [&](const json::value& d) {
    return d.at("order_id").as_string() == id;
  }));

  ASSERT_TRUE(sink.Start());  // the mail server is back
  const std::string delivery(dead->at("id").as_string());
  auto retried =
      client_.Post(url_ + "/api/v1/admin/notifications/" + delivery + "/retry", "", Admin(url_));
  ASSERT_EQ(retried->status, 200) << retried->body;
  EXPECT_EQ(json::parse(retried->body).at("status").as_string(), "queued");
  const std::string subject = "Your Veta Hut Loop order #" +
                              std::to_string(order.at("number").as_int64()) + " is confirmed";
  auto mails =
      sink.WaitFor([&](const auto& m) { return CountOf(m, "order_confirmed", subject) >= 1; });
  EXPECT_EQ(CountOf(mails, "order_confirmed", subject), 1u) << serve.Log();
  auto sent = WaitForDelivery("status=sent&channel=email", is_confirmation);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->at("redriven").as_int64(), 1);
  // A second click changes nothing and says why; nothing more is sent.
  auto again =
      client_.Post(url_ + "/api/v1/admin/notifications/" + delivery + "/retry", "", Admin(url_));
  ExpectProblem(*again, 409);
  ExpectProblem(
      *client_.Post(url_ + "/api/v1/admin/notifications/ntf_unknown/retry", "", Admin(url_)), 404);
  ExpectProblem(
      *client_.Post(url_ + "/api/v1/admin/notifications/" + delivery + "/retry", "", manager_),
      403);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(CountOf(sink.Messages(), "order_confirmed", subject), 1u);
}

}  // namespace
}  // namespace vetahut::testing
