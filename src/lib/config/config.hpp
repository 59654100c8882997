#pragma once
/// Process configuration: a TOML file plus `VETAHUT_<SECTION>_<KEY>` environment overrides,
/// read into typed structs. Unknown keys and bad values stop start-up with a precise message.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::config {

/// The HTTP listener (section [server]).
struct ServerConfig {
  std::string host = "127.0.0.1";               ///< listen address (listen = "HOST:PORT")
  std::uint16_t port = 8080;                    ///< listen port; 0 picks a free one
  int io_threads = 0;                           ///< I/O threads; 0 = one per core
  int worker_threads = 8;                       ///< handler worker pool size
  std::int64_t worker_queue_limit = 1024;       ///< queued requests before answering 503
  std::int64_t header_limit_bytes = 16 * 1024;  ///< request line + headers
  std::int64_t body_limit_bytes = 1 << 20;      ///< request body
  std::chrono::milliseconds read_timeout{15000};    ///< to read one request
  std::chrono::milliseconds write_timeout{15000};   ///< to write one response
  std::chrono::milliseconds idle_timeout{60000};    ///< keep-alive idle time
  std::chrono::milliseconds drain_timeout{10000};   ///< graceful shutdown budget
};

/// The database (section [db]).
struct DbConfig {
  std::string url = "sqlite:data/vetahut.db";  ///< sqlite:PATH or postgresql://…
  int pool_size = 8;                           ///< connections per process
};

/// The event bus (section [bus]).
struct BusConfig {
  std::string url = "inproc:";                           ///< inproc: or amqp://…
  std::chrono::milliseconds relay_interval{200};         ///< outbox poll when idle
};

/// Tokens (section [auth]).
struct AuthConfig {
  std::string issuer = "vetahut";          ///< iss of access tokens
  std::string audience = "vetahut-api";    ///< aud of access tokens
  int access_token_ttl_s = 900;            ///< access token lifetime
  int refresh_token_ttl_h = 720;           ///< refresh token lifetime (rotated on use)
};

/// Orders (section [order]).
struct OrderConfig {
  int payment_timeout_s = 600;  ///< a payment pending longer is voided and the order rejected
  int prep_minutes = 20;        ///< ASAP promise: now + prep (+ delivery estimate)
  int saga_lease_s = 15;        ///< a crashed saga runner's hold on an order expires after this
};

/// Payments (section [payment]).
struct PaymentConfig {
  std::string provider = "sandbox";                  ///< sandbox | stripe
  std::string webhook_secret;                        ///< signs/verifies provider callbacks
  int sandbox_latency_ms = 0;                        ///< sandbox: simulated processor latency
  std::string sandbox_webhook_url;                   ///< sandbox: where it sends callbacks ("" = none)
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key;
};

/// Logging (section [log]).
struct LogConfig {
  std::string level = "info";  ///< debug | info | warn | error
};

/// Everything a `vetahut` process is configured with.
struct Config {
  std::string target = "all";     ///< [app] target: all, gateway or a service name
  std::string data_dir = "data";  ///< [app] data_dir: SQLite file, outbox files
  bool demo = false;              ///< [app] demo: load demo data on first start
  std::string bench_fixture;      ///< [app] bench_fixture: file served at /bench/fixture.json (benchmarks only)
  ServerConfig server;
  DbConfig db;
  BusConfig bus;
  LogConfig log;
  AuthConfig auth;
  OrderConfig order;
  PaymentConfig payment;
};

/// Reads `path` (if given) then applies `VETAHUT_*` variables from `env`. The error names the
/// key (e.g. "server.listen" or "VETAHUT_DB_POOL_SIZE") and says why it was refused.
core::Result<Config> Load(const std::optional<std::string>& path,
                          const std::map<std::string, std::string>& env);

/// Parses TOML text (for tests and `--config -`); `origin` names it in messages.
core::Result<Config> LoadFromString(std::string_view toml, std::string_view origin,
                                    const std::map<std::string, std::string>& env);

/// The process environment as a map, for `Load`.
std::map<std::string, std::string> ProcessEnvironment();

/// Parses "HOST:PORT" (IPv6 as "[::1]:8080") into a ServerConfig's host and port.
core::Status ParseListen(std::string_view text, ServerConfig& out);

/// Every key the file accepts, "section.key", with its one-line description (for docs and --help).
std::vector<std::pair<std::string, std::string>> DescribeKeys();

}  // namespace vetahut::config
