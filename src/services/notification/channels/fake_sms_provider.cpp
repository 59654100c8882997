#include "services/notification/channels/fake_sms_provider.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>

#include "lib/core/text_rules.hpp"
#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/json/write.hpp"
#include "services/notification/channels/mime.hpp"

namespace vetahut::notification {
namespace {

namespace json = boost::json;

std::string FormDecodeOne(std::string_view text) { return http::PercentDecode(text, true); }

std::map<std::string, std::string> FormFields(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    out[FormDecodeOne(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : FormDecodeOne(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

http::Response TwilioError(int status, int code, std::string message) {
  return http::Response::Json(
      json_text::Serialize(json::object{{"code", code}, {"message", message}, {"status", status}}),
      status);
}

}  // namespace

struct FakeSmsProvider::State {
  mutable std::mutex mutex;
  int fail_next = 0;
  int requests = 0;
  std::vector<FakeSmsMessage> messages;
  std::map<std::string, std::string> answers;  // idempotency key → the first answer's body
};

FakeSmsProvider::FakeSmsProvider(std::string account_sid, std::string auth_token)
    : account_sid_(std::move(account_sid)),
      auth_token_(std::move(auth_token)),
      state_(std::make_unique<State>()),
      router_(std::make_unique<http::Router>()) {
  State* s = state_.get();
  const std::string expected_auth = "Basic " + Base64(account_sid_ + ":" + auth_token_);
  const std::string sid = account_sid_;
  router_->Post(
      "/2010-04-01/Accounts/{account_sid}/Messages.json",
      [s, expected_auth, sid](http::Request& req) -> core::Result<http::Response> {
        std::lock_guard lock(s->mutex);
        ++s->requests;
        if (s->fail_next > 0) {
          --s->fail_next;
          return TwilioError(500, 20500, "Internal Server Error");
        }
        if (req.Header("Authorization").value_or("") != expected_auth ||
            req.PathParam("account_sid") != sid) {
          return TwilioError(401, 20003, "Authenticate");
        }
        auto fields = FormFields(req.body);
        const std::string key(req.Header("Idempotency-Key").value_or(""));
        if (!key.empty()) {
          if (auto it = s->answers.find(key); it != s->answers.end())
            return http::Response::Json(it->second, 201);
        }
        if (!core::IsE164Phone(fields["To"])) {
          return TwilioError(
              400, 21211,
              fmt::format("The 'To' number {} is not a valid phone number.", fields["To"]));
        }
        if (fields["Body"].empty()) return TwilioError(400, 21602, "Message body is required.");
        FakeSmsMessage m{fmt::format("SM{:032}", s->messages.size() + 1), fields["To"],
                         fields["From"], fields["Body"], key};
        const std::string answer = json_text::Serialize(json::object{{"sid", m.sid},
                                                                     {"status", "queued"},
                                                                     {"to", m.to},
                                                                     {"from", m.from},
                                                                     {"body", m.body},
                                                                     {"account_sid", sid}});
        if (!key.empty()) s->answers[key] = answer;
        s->messages.push_back(std::move(m));
        return http::Response::Json(answer, 201);
      });
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 2;
  options.drain_timeout = std::chrono::milliseconds(1000);
  server_ = std::make_unique<http::Server>(options, *router_);
  server_->Start();
}

FakeSmsProvider::~FakeSmsProvider() { server_->Stop(); }

std::string FakeSmsProvider::url() const {
  return fmt::format("http://127.0.0.1:{}", server_->port());
}

void FakeSmsProvider::FailNext(int n) {
  std::lock_guard lock(state_->mutex);
  state_->fail_next = n;
}

std::vector<FakeSmsMessage> FakeSmsProvider::Messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

int FakeSmsProvider::Requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

}  // namespace vetahut::notification
