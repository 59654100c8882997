#include "services/notification/channels/twilio_channel.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/core/text_rules.hpp"
#include "lib/http/client.hpp"
#include "services/notification/channels/mime.hpp"

namespace vetahut::notification {

namespace json = boost::json;

std::string FormEscape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

TwilioSmsChannel::TwilioSmsChannel(TwilioOptions options)
    : options_(std::move(options)),
      client_(std::make_unique<http::HttpClient>(
          http::ClientOptions{.connect_timeout = std::chrono::milliseconds(3000),
                              .timeout = options_.timeout,
                              .max_body = 1 << 20})) {}

TwilioSmsChannel::~TwilioSmsChannel() = default;

core::Result<Receipt> TwilioSmsChannel::Send(const OutgoingMessage& message) {
  if (!core::IsE164Phone(message.address)) {
    return core::Fail(
        core::Error::BadRequest(fmt::format("sms: '{}' is not an E.164 number", message.address)));
  }
  const std::string url = fmt::format("{}/2010-04-01/Accounts/{}/Messages.json", options_.api_base,
                                      options_.account_sid);
  const bool service = options_.from.starts_with("MG");
  const std::string body = fmt::format("To={}&{}={}&Body={}", FormEscape(message.address),
                                       service ? "MessagingServiceSid" : "From",
                                       FormEscape(options_.from), FormEscape(message.text));
  const std::string idempotency = MessageIdFor(message.dedupe_key, "sms");
  auto response = client_->Post(
      url, body,
      {{"Authorization", "Basic " + Base64(options_.account_sid + ":" + options_.auth_token)},
       {"Content-Type", "application/x-www-form-urlencoded"},
       {"Idempotency-Key", idempotency.substr(1, 32)}});
  if (!response) return core::Fail(core::Error::Unavailable("sms: " + response.error().detail));
  json::error_code ec;
  const json::value doc = json::parse(response->body, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  if (response->status == 200 || response->status == 201) {
    const json::value* sid = o ? o->if_contains("sid") : nullptr;
    if (!sid || !sid->is_string())
      return core::Fail(core::Error::Unavailable("sms: the provider's answer has no sid"));
    return Receipt{std::string(sid->get_string())};
  }
  std::string detail = fmt::format("sms: provider answered {}", response->status);
  if (o) {
    if (const json::value* m = o->if_contains("message"); m && m->is_string())
      detail += fmt::format(": {}", m->get_string().c_str());
    if (const json::value* c = o->if_contains("code"); c && c->is_int64())
      detail += fmt::format(" (code {})", c->get_int64());
  }
  // Throttled or failing on their side: later. A request they refuse (a bad number, an
  // unverified sender, bad credentials): never.
  if (response->status == 429 || response->status >= 500)
    return core::Fail(core::Error::Unavailable(detail));
  return core::Fail(core::Error::BadRequest(detail));
}

}  // namespace vetahut::notification
