#pragma once
/// A fake of the part of Twilio's Messages API the SMS adapter uses, for tests: an HTTP server on
/// loopback (port 0) answering POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth, in
/// Twilio's shapes (201 with a `sid`; 400 code 21211 for a number that is not E.164; 401 code
/// 20003 for bad credentials). It records every message it accepted, can fail the next requests
/// (500), and replays the first answer for a repeated Idempotency-Key (Twilio itself has none).
/// A plain HTTP server: a separate process (the real `vetahut` binary) can use it too.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vetahut::http {
class Router;
class Server;
}  // namespace vetahut::http

namespace vetahut::notification {

struct FakeSmsMessage {
  std::string sid;
  std::string to;
  std::string from;
  std::string body;
  std::string idempotency_key;
};

class FakeSmsProvider final {
 public:
  explicit FakeSmsProvider(std::string account_sid = "AC_test",
                           std::string auth_token = "token_test");
  ~FakeSmsProvider();
  FakeSmsProvider(const FakeSmsProvider&) = delete;
  FakeSmsProvider& operator=(const FakeSmsProvider&) = delete;

  /// "http://127.0.0.1:<port>": the adapter's api_base.
  std::string url() const;
  const std::string& account_sid() const { return account_sid_; }
  const std::string& auth_token() const { return auth_token_; }
  /// The next `n` requests answer 500 without accepting anything.
  void FailNext(int n);
  /// Messages accepted, in order (replays of an idempotency key not repeated).
  std::vector<FakeSmsMessage> Messages() const;
  /// Requests received, accepted or not.
  int Requests() const;

 private:
  struct State;
  std::string account_sid_;
  std::string auth_token_;
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace vetahut::notification
