#pragma once
/// Process configuration: a TOML file plus `VETAHUT_<SECTION>_<KEY>` environment overrides.
/// The sections every process has (app, server, db, bus, cache, log, auth, clients, ratelimit) are read here into
/// `Config`; each service module declares its own section with a `Schema` of its settings struct
/// and parses it from the raw sections `Config` keeps. Unknown sections, keys and variables and
/// bad values stop start-up with a message naming the key and the reason.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::config {

/// One value as read, before it is converted to its field's type.
struct RawValue {
  std::optional<std::string> text;      ///< from the environment, or a TOML string
  std::optional<std::int64_t> integer;  ///< a TOML integer
  std::optional<bool> boolean;          ///< a TOML boolean
  std::string type_name;                ///< what TOML said it was, for messages
  std::string name;                     ///< as the user wrote it: "order.prep_minutes" or "VETAHUT_ORDER_PREP_MINUTES"
  std::string origin;                   ///< the file, or "environment"
};

/// A section's values by key.
using RawSection = std::map<std::string, RawValue>;

/// A key and its one-line description.
struct KeyDoc {
  std::string key;
  std::string doc;
};

/// The keys a section accepts (what unknown-key checks and the docs need).
struct SectionSpec {
  std::string name;
  std::vector<KeyDoc> keys;
};

/// An error naming the key as written and its origin: "<origin>: configuration key <name>: <why>".
core::Error KeyError(const RawValue& value, std::string_view why);

/// Converters shared by every schema. Each fails with KeyError.
core::Result<std::int64_t> ToInt(const RawValue& v, std::int64_t min, std::int64_t max);
core::Result<std::string> ToString(const RawValue& v);
core::Result<bool> ToBool(const RawValue& v);
core::Result<std::string> ToOneOf(const RawValue& v, const std::vector<std::string>& allowed);

/// A section's schema: its keys, their docs, and how each value lands in a settings struct `T`.
/// Settings structs live with their service; the schema is declared next to them.
template <class T>
class Schema {
 public:
  using Setter = std::function<core::Status(T&, const RawValue&)>;
  explicit Schema(std::string section) : spec_{std::move(section), {}} {}

  /// Any conversion.
  Schema& Field(std::string key, std::string doc, Setter set) {
    spec_.keys.push_back({key, std::move(doc)});
    setters_.emplace(std::move(key), std::move(set));
    return *this;
  }
  template <class I>
  Schema& Int(std::string key, std::string doc, std::int64_t min, std::int64_t max, I T::*member) {
    return Field(std::move(key), std::move(doc), [=](T& t, const RawValue& v) -> core::Status {
      auto value = ToInt(v, min, max);
      if (!value) return core::Fail(value.error());
      t.*member = static_cast<I>(*value);
      return core::Ok();
    });
  }
  /// A duration written as a whole number of `Unit`s (key names say which: _ms, _s).
  template <class D>
  Schema& Duration(std::string key, std::string doc, std::int64_t min, std::int64_t max, D T::*member) {
    return Field(std::move(key), std::move(doc), [=](T& t, const RawValue& v) -> core::Status {
      auto value = ToInt(v, min, max);
      if (!value) return core::Fail(value.error());
      t.*member = D(*value);
      return core::Ok();
    });
  }
  Schema& String(std::string key, std::string doc, std::string T::*member) {
    return Field(std::move(key), std::move(doc), [=](T& t, const RawValue& v) -> core::Status {
      auto value = ToString(v);
      if (!value) return core::Fail(value.error());
      t.*member = std::move(*value);
      return core::Ok();
    });
  }
  Schema& OneOf(std::string key, std::string doc, std::vector<std::string> allowed, std::string T::*member) {
    return Field(std::move(key), std::move(doc), [=](T& t, const RawValue& v) -> core::Status {
      auto value = ToOneOf(v, allowed);
      if (!value) return core::Fail(value.error());
      t.*member = std::move(*value);
      return core::Ok();
    });
  }
  Schema& Bool(std::string key, std::string doc, bool T::*member) {
    return Field(std::move(key), std::move(doc), [=](T& t, const RawValue& v) -> core::Status {
      auto value = ToBool(v);
      if (!value) return core::Fail(value.error());
      t.*member = *value;
      return core::Ok();
    });
  }

  /// Applies the section's values to `out` (keys absent keep their defaults).
  core::Status ApplyTo(const RawSection& raw, T& out) const {
    for (const auto& [key, value] : raw) {
      auto it = setters_.find(key);
      if (it == setters_.end()) return core::Fail(KeyError(value, "is not a known key"));
      if (auto s = it->second(out, value); !s) return s;
    }
    return core::Ok();
  }
  /// The settings: defaults, then the section's values.
  core::Result<T> Parse(const RawSection& raw) const {
    T out{};
    if (auto s = ApplyTo(raw, out); !s) return core::Fail(s.error());
    return out;
  }
  const SectionSpec& spec() const { return spec_; }

 private:
  SectionSpec spec_;
  std::map<std::string, Setter> setters_;
};

/// The HTTP listener (section [server]).
struct ServerConfig {
  std::string host = "127.0.0.1";               ///< listen address (listen = "HOST:PORT")
  std::uint16_t port = 8080;                    ///< listen port; 0 picks a free one
  int io_threads = 0;                           ///< I/O threads; 0 = one per core
  int worker_threads = 8;                       ///< handler worker pool size
  std::int64_t worker_queue_limit = 1024;       ///< queued requests before answering 503
  std::int64_t header_limit_bytes = 16 * 1024;  ///< request line + headers
  std::int64_t body_limit_bytes = 1 << 20;      ///< request body
  std::string cors_origins;                     ///< origins allowed to call the API from a browser (comma list)
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
  int max_attempts = 5;                                  ///< per consumer and event, then dead-lettered
  std::string tls_ca_file;                               ///< amqps://: the CAs that vouch for the broker ("" = the system's)
};

/// The cache the processes of a chain share (section [cache]): rate-limit state, revoked access
/// tokens, in-flight markers (decision 0043). Never the only copy of anything.
struct CacheConfig {
  std::string url = "memory:";             ///< memory: (this process only) or redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
  int pool_size = 4;                       ///< Redis connections per process
  std::chrono::milliseconds timeout{200};  ///< to connect to Redis, and for each reply
};

/// Tokens (section [auth]): every process verifies them; the customer service issues them.
struct AuthConfig {
  std::string issuer = "vetahut";          ///< iss of access tokens
  std::string audience = "vetahut-api";    ///< aud of access tokens
  int access_token_ttl_s = 900;            ///< access token lifetime
  int refresh_token_ttl_h = 720;           ///< refresh token lifetime (rotated on use)
  std::string jwks_url;                    ///< where a process without the customer service fetches the signing keys
};

/// Where other services run when they are not in this process (section [clients]).
/// Each is a base URL, or a comma-separated list of replicas ("" = the service runs here).
/// Processes call the services they need there; the gateway forwards each service's routes there.
struct ClientsConfig {
  std::string location;  ///< e.g. http://127.0.0.1:8081
  std::string menu, customer, payment, order, kitchen, notification, analytics, integration;
  /// The chain's shared secret for service-to-service calls (decision 0041); "" refuses them all.
  std::string service_token;

  /// The URL list for a module's name, or nullptr for a name that is not a service.
  const std::string* UrlOf(std::string_view service) const;
  std::string* UrlOf(std::string_view service) {
    return const_cast<std::string*>(static_cast<const ClientsConfig&>(*this).UrlOf(service));
  }
};

/// Per-client request rates (section [ratelimit]): GCRA per client address for anonymous
/// requests and per signed-in account or device, the whole quota usable at once (decision 0040).
struct RateLimitConfig {
  bool enabled = true;
  std::int64_t anonymous_per_minute = 3000;  ///< per client address
  std::int64_t principal_per_minute = 6000;  ///< per account or device
  bool trust_forwarded_for = false;          ///< behind a proxy: the client is X-Forwarded-For's last address
};

/// Logging (section [log]).
struct LogConfig {
  std::string level = "info";  ///< debug | info | warn | error
};

/// Everything every `vetahut` process is configured with, plus the raw sections of the modules.
struct Config {
  std::string target = "all";     ///< [app] target: all, gateway, a module, or a comma list of modules
  std::string data_dir = "data";  ///< [app] data_dir: SQLite file, outbox files
  bool demo = false;              ///< [app] demo: load demo data on first start
  std::string bench_fixture;      ///< [app] bench_fixture: file served at /bench/fixture.json (benchmarks only)
  std::string web_dir;            ///< [app] web_dir: the built web apps (web/dist); "" = ./web/dist or the repository's
  ServerConfig server;
  DbConfig db;
  BusConfig bus;
  CacheConfig cache;
  LogConfig log;
  AuthConfig auth;
  ClientsConfig clients;
  RateLimitConfig ratelimit;
  /// The sections this file does not read itself, for the modules (absent = all defaults).
  std::map<std::string, RawSection> sections;

  /// A module's settings: its section parsed with its schema.
  template <class T>
  core::Result<T> Settings(const Schema<T>& schema) const {
    auto it = sections.find(schema.spec().name);
    return schema.Parse(it == sections.end() ? RawSection{} : it->second);
  }
};

/// Reads `path` (if given) then applies `VETAHUT_*` variables from `env`. `modules` are the
/// sections the process's modules declare: their keys are checked here (unknown ones stop
/// start-up) and their values kept in `Config::sections`. The error names the key (e.g.
/// "server.listen" or "VETAHUT_DB_POOL_SIZE") and says why it was refused.
core::Result<Config> Load(const std::optional<std::string>& path, const std::map<std::string, std::string>& env,
                          const std::vector<SectionSpec>& modules = {});

/// Parses TOML text (for tests and `--config -`); `origin` names it in messages.
core::Result<Config> LoadFromString(std::string_view toml, std::string_view origin,
                                    const std::map<std::string, std::string>& env,
                                    const std::vector<SectionSpec>& modules = {});

/// The process environment as a map, for `Load`.
std::map<std::string, std::string> ProcessEnvironment();

/// Parses "HOST:PORT" (IPv6 as "[::1]:8080") into a ServerConfig's host and port.
core::Status ParseListen(std::string_view text, ServerConfig& out);

/// The sections `Config` reads itself.
std::vector<SectionSpec> CoreSections();

/// Every key of `sections`, "section.key", with its one-line description (for docs and tests).
std::vector<std::pair<std::string, std::string>> DescribeKeys(const std::vector<SectionSpec>& sections);

}  // namespace vetahut::config
