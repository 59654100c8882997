#pragma once
/// A small synchronous HTTP client on libcurl, with pooled keep-alive connections.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// Client configuration.
struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};  ///< TCP (and TLS) connect
  std::chrono::milliseconds timeout{10000};         ///< whole exchange
  std::size_t max_body = 16 << 20;                  ///< larger response bodies fail the call
  /// When set, each address a request is about to connect to ("10.0.0.7", "::1") is offered to
  /// it first and `false` refuses the connection (Error kUnavailable naming the address). The
  /// guard for URLs outsiders choose (partner webhooks, against server-side request forgery): it
  /// sees the address actually dialled, so a DNS answer that changed after the URL was checked
  /// (rebinding) cannot slip through. With a filter only http and https are spoken and no proxy
  /// from the environment is used (the proxy's address would be the one checked).
  std::function<bool(std::string_view address)> allow_address;
};

/// A received response (any status: 4xx/5xx are values, not errors).
struct ClientResponse {
  int status = 0;
  std::vector<::vetahut::http::Header> headers;
  std::string body;
  /// The first header with this name (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
};

/// Thread-safe HTTP client. Each call borrows a curl handle from a small pool, so connections are
/// kept alive and reused across calls. Network failures and timeouts are Error kUnavailable.
class HttpClient final {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends one request; the body is sent when non-empty (or always for POST/PUT/PATCH).
  core::Result<ClientResponse> Send(Method method, const std::string& url,
                                    const std::vector<::vetahut::http::Header>& headers = {},
                                    std::string_view body = {});
  core::Result<ClientResponse> Get(const std::string& url,
                                   const std::vector<::vetahut::http::Header>& headers = {});
  core::Result<ClientResponse> Post(const std::string& url, std::string_view body,
                                    const std::vector<::vetahut::http::Header>& headers = {});

 private:
  class Pool;
  ClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace vetahut::http
