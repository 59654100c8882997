#pragma once
/// SMS through an HTTP provider in Twilio's request shape: a form-encoded POST to
/// {api_base}/2010-04-01/Accounts/{account_sid}/Messages.json with basic auth (the account SID and
/// auth token), fields To, From (or MessagingServiceSid) and Body; the answer's `sid` is the
/// provider id. E.164 numbers only. Twilio has no idempotency key for sending: the adapter still
/// sends `Idempotency-Key` (the dedupe key's hash) so a provider or proxy that honours it drops a
/// re-send (decision 0024).
#include <chrono>
#include <memory>
#include <string>

#include "services/notification/channels/channel.hpp"

namespace vetahut::http {
class HttpClient;
}

namespace vetahut::notification {

struct TwilioOptions {
  std::string api_base = "https://api.twilio.com";
  std::string account_sid;
  std::string auth_token;
  std::string from;  ///< E.164 sender number, or a messaging service SID ("MG…")
  std::chrono::milliseconds timeout{10000};
};

class TwilioSmsChannel final : public ChannelAdapter {
 public:
  explicit TwilioSmsChannel(TwilioOptions options);
  ~TwilioSmsChannel() override;
  std::string_view kind() const override { return "twilio"; }
  core::Result<Receipt> Send(const OutgoingMessage& message) override;

 private:
  TwilioOptions options_;
  std::unique_ptr<http::HttpClient> client_;
};

/// application/x-www-form-urlencoded escaping of one key or value (space → '+').
std::string FormEscape(std::string_view text);

}  // namespace vetahut::notification
