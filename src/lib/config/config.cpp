#include "lib/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <fmt/ranges.h>
#include <toml++/toml.h>
#include <unistd.h>

#include "lib/cache/cache_url.hpp"

extern char** environ;

namespace vetahut::config {

using core::Error;
using core::Fail;
using core::Status;

Error KeyError(const RawValue& value, std::string_view why) {
  return Error::BadRequest(fmt::format("{}: configuration key {}: {}", value.origin, value.name, why));
}

core::Result<std::int64_t> ToInt(const RawValue& v, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  if (v.integer) {
    value = *v.integer;
  } else if (v.text) {
    auto [p, ec] = std::from_chars(v.text->data(), v.text->data() + v.text->size(), value);
    if (ec != std::errc() || p != v.text->data() + v.text->size()) {
      return Fail(KeyError(v, fmt::format("expected an integer, got '{}'", *v.text)));
    }
  } else {
    return Fail(KeyError(v, fmt::format("expected an integer, got a {}", v.type_name)));
  }
  if (value < min || value > max) {
    return Fail(KeyError(v, fmt::format("{} is out of range [{}, {}]", value, min, max)));
  }
  return value;
}

core::Result<std::string> ToString(const RawValue& v) {
  if (!v.text) return Fail(KeyError(v, fmt::format("expected a string, got a {}", v.type_name)));
  return *v.text;
}

core::Result<bool> ToBool(const RawValue& v) {
  if (v.boolean) return *v.boolean;
  if (v.text && (*v.text == "true" || *v.text == "1")) return true;
  if (v.text && (*v.text == "false" || *v.text == "0")) return false;
  return Fail(KeyError(v, "expected true or false"));
}

core::Result<std::string> ToOneOf(const RawValue& v, const std::vector<std::string>& allowed) {
  auto value = ToString(v);
  if (!value) return value;
  if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
    return Fail(KeyError(v, fmt::format("'{}' is not one of: {}", *value, fmt::join(allowed, ", "))));
  }
  return value;
}

namespace {

using Setter = Schema<Config>::Setter;

/// A string somewhere inside Config (`at` returns the member), optionally checked.
template <class At>
Setter StringAt(At at, std::function<std::optional<std::string>(const std::string&)> check = {}) {
  return [at, check](Config& c, const RawValue& v) -> Status {
    auto value = ToString(v);
    if (!value) return Fail(value.error());
    if (check) {
      if (auto why = check(*value)) return Fail(KeyError(v, *why));
    }
    at(c) = std::move(*value);
    return core::Ok();
  };
}

/// An integer in [min, max] somewhere inside Config.
template <class At>
Setter IntAt(std::int64_t min, std::int64_t max, At at) {
  return [=](Config& c, const RawValue& v) -> Status {
    auto value = ToInt(v, min, max);
    if (!value) return Fail(value.error());
    at(c, *value);
    return core::Ok();
  };
}

std::optional<std::string> HttpUrlOrEmpty(const std::string& value) {
  if (value.empty() || value.starts_with("http://") || value.starts_with("https://")) return std::nullopt;
  return "must be an http:// or https:// URL";
}

/// The items of a comma-separated list, spaces around each trimmed (empty items kept: they are errors).
std::vector<std::string> CommaList(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string item(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    out.push_back(std::move(item));
  }
  return out;
}

std::optional<std::string> HttpUrlListOrEmpty(const std::string& value) {
  for (const auto& item : CommaList(value)) {
    if (item.empty() || HttpUrlOrEmpty(item)) return "must be an http:// or https:// URL, or a comma-separated list of them";
  }
  return std::nullopt;
}

/// The services a process may reach in other processes ([clients]).
constexpr const char* kServices[] = {"location", "menu",         "customer",  "payment",    "order",
                                     "kitchen",  "notification", "analytics", "integration"};

/// The sections Config reads itself, each a schema over the whole Config.
const std::vector<Schema<Config>>& CoreSchemas() {
  static const std::vector<Schema<Config>> schemas = [] {
    std::vector<Schema<Config>> out;
    Schema<Config> app("app");
    app.Field("target", "what this process runs: all, gateway, one module, or a comma list of modules",
              StringAt([](Config& c) -> std::string& { return c.target; }, [](const std::string& value) {
                const bool ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char ch) {
                  return (ch >= 'a' && ch <= 'z') || ch == ',' || ch == '_';
                });
                return ok ? std::nullopt
                          : std::optional<std::string>(fmt::format("'{}' is not a module name or a comma list of them", value));
              }))
        .Field("data_dir", "directory for the SQLite file and file outboxes",
               StringAt([](Config& c) -> std::string& { return c.data_dir; }, [](const std::string& value) {
                 return value.empty() ? std::optional<std::string>("must not be empty") : std::nullopt;
               }))
        .Bool("demo", "load demo data on first start", &Config::demo)
        .String("bench_fixture", "a file served at /bench/fixture.json, for benchmarks only", &Config::bench_fixture)
        .String("web_dir", "the built web apps served at / (web/dist); empty: ./web/dist, else the web/dist of the repository the binary was built in", &Config::web_dir);
    out.push_back(std::move(app));

    Schema<Config> auth("auth");
    auth.Field("issuer", "iss of access tokens", StringAt([](Config& c) -> std::string& { return c.auth.issuer; }))
        .Field("audience", "aud of access tokens", StringAt([](Config& c) -> std::string& { return c.auth.audience; }))
        .Field("access_token_ttl_s", "access token lifetime in seconds (60..3600)",
               IntAt(60, 3600, [](Config& c, std::int64_t v) { c.auth.access_token_ttl_s = int(v); }))
        .Field("refresh_token_ttl_h", "refresh token lifetime in hours (1..2160)",
               IntAt(1, 2160, [](Config& c, std::int64_t v) { c.auth.refresh_token_ttl_h = int(v); }))
        .Field("jwks_url", "the customer service's /.well-known/jwks.json, for processes that do not run it",
               StringAt([](Config& c) -> std::string& { return c.auth.jwks_url; }, HttpUrlOrEmpty));
    out.push_back(std::move(auth));

    Schema<Config> clients("clients");
    for (const char* service : kServices) {
      clients.Field(service, fmt::format("base URL(s) of the {} service when it runs in other processes (comma-separated replicas)", service),
                    StringAt([service](Config& c) -> std::string& { return *c.clients.UrlOf(service); },
                             HttpUrlListOrEmpty));
    }
    clients.Field("service_token", "the shared secret services present to each other's /internal/ routes (at least 32 characters)",
                  StringAt([](Config& c) -> std::string& { return c.clients.service_token; }, [](const std::string& value) {
                    return value.empty() || value.size() >= 32 ? std::nullopt
                                                               : std::optional<std::string>("must be at least 32 characters");
                  }));
    out.push_back(std::move(clients));

    auto millis = [](std::chrono::milliseconds ServerConfig::*member) {
      return IntAt(1, 24LL * 3600 * 1000, [member](Config& c, std::int64_t v) { c.server.*member = std::chrono::milliseconds(v); });
    };
    Schema<Config> server("server");
    server
        .Field("listen", "HOST:PORT to listen on (port 0 picks a free port)",
               [](Config& c, const RawValue& v) -> Status {
                 auto value = ToString(v);
                 if (!value) return Fail(value.error());
                 if (auto s = ParseListen(*value, c.server); !s) return Fail(KeyError(v, s.error().detail));
                 return core::Ok();
               })
        .Field("io_threads", "I/O threads (0 = one per core)",
               IntAt(0, 256, [](Config& c, std::int64_t v) { c.server.io_threads = int(v); }))
        .Field("worker_threads", "threads running request handlers",
               IntAt(1, 1024, [](Config& c, std::int64_t v) { c.server.worker_threads = int(v); }))
        .Field("worker_queue_limit", "queued requests before 503",
               IntAt(1, 1 << 20, [](Config& c, std::int64_t v) { c.server.worker_queue_limit = v; }))
        .Field("header_limit_bytes", "largest request line + headers",
               IntAt(1024, 1 << 20, [](Config& c, std::int64_t v) { c.server.header_limit_bytes = v; }))
        .Field("body_limit_bytes", "largest request body",
               IntAt(0, 1LL << 30, [](Config& c, std::int64_t v) { c.server.body_limit_bytes = v; }))
        .Field("cors_origins", "web origins (scheme://host[:port], comma-separated) whose pages may call the API; empty: none",
               StringAt([](Config& c) -> std::string& { return c.server.cors_origins; }, [](const std::string& value) {
                 for (const auto& item : CommaList(value)) {
                   const bool ok = (item.starts_with("https://") || item.starts_with("http://")) &&
                                   item.find('/', item.find("//") + 2) == std::string::npos && item.find('*') == std::string::npos;
                   if (!ok) return std::optional<std::string>("'" + item + "' is not an origin like https://app.example.com (no path, no wildcard)");
                 }
                 return std::optional<std::string>();
               }))
        .Field("read_timeout_ms", "time allowed to read one request", millis(&ServerConfig::read_timeout))
        .Field("write_timeout_ms", "time allowed to write one response", millis(&ServerConfig::write_timeout))
        .Field("idle_timeout_ms", "keep-alive idle time", millis(&ServerConfig::idle_timeout))
        .Field("drain_timeout_ms", "graceful shutdown budget", millis(&ServerConfig::drain_timeout));
    out.push_back(std::move(server));

    Schema<Config> db("db");
    db.Field("url", "sqlite:PATH or postgresql://USER@HOST:PORT/DB",
             StringAt([](Config& c) -> std::string& { return c.db.url; }, [](const std::string& value) {
               const bool ok = value.starts_with("sqlite:") || value.starts_with("postgresql://") ||
                               value.starts_with("postgres://");
               return ok ? std::nullopt : std::optional<std::string>("must start with sqlite:, postgresql:// or postgres://");
             }))
        .Field("pool_size", "database connections per process",
               IntAt(1, 512, [](Config& c, std::int64_t v) { c.db.pool_size = int(v); }));
    out.push_back(std::move(db));

    Schema<Config> bus("bus");
    bus.Field("url", "inproc: (embedded), or amqp:// (amqps:// with TLS) USER:PASS@HOST:PORT/VHOST",
              StringAt([](Config& c) -> std::string& { return c.bus.url; }, [](const std::string& value) {
                const bool ok = value == "inproc:" || value.starts_with("amqp://") || value.starts_with("amqps://");
                return ok ? std::nullopt : std::optional<std::string>("must be inproc:, or an amqp:// or amqps:// URL");
              }))
        .Field("tls_ca_file", "amqps://: a PEM file of the CAs that vouch for the broker (empty: the system's)",
               StringAt([](Config& c) -> std::string& { return c.bus.tls_ca_file; }, [](const std::string& value) {
                 return value.empty() || access(value.c_str(), R_OK) == 0
                            ? std::nullopt
                            : std::optional<std::string>("cannot read " + value);
               }))
        .Field("relay_interval_ms", "how often the outbox relay polls when idle",
               IntAt(1, 60000, [](Config& c, std::int64_t v) { c.bus.relay_interval = std::chrono::milliseconds(v); }))
        .Field("max_attempts", "attempts per consumer and event before it is dead-lettered (1..100)",
               IntAt(1, 100, [](Config& c, std::int64_t v) { c.bus.max_attempts = int(v); }));
    out.push_back(std::move(bus));

    Schema<Config> cache("cache");
    cache.Field("url", "memory: (this process only) or redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], shared by every process",
                StringAt([](Config& c) -> std::string& { return c.cache.url; }, [](const std::string& value) {
                  auto parsed = cache::ParseCacheUrl(value);
                  return parsed ? std::nullopt : std::optional<std::string>(parsed.error().detail);
                }))
        .Field("pool_size", "Redis connections per process (1..256)",
               IntAt(1, 256, [](Config& c, std::int64_t v) { c.cache.pool_size = int(v); }))
        .Field("timeout_ms", "milliseconds to connect to Redis and to wait for each reply (10..10000)",
               IntAt(10, 10000, [](Config& c, std::int64_t v) { c.cache.timeout = std::chrono::milliseconds(v); }));
    out.push_back(std::move(cache));

    Schema<Config> ratelimit("ratelimit");
    ratelimit
        .Field("enabled", "limit each client's request rate (429 with Retry-After beyond it)",
               [](Config& c, const RawValue& v) -> Status {
                 auto value = ToBool(v);
                 if (!value) return Fail(value.error());
                 c.ratelimit.enabled = *value;
                 return core::Ok();
               })
        .Field("anonymous_per_minute", "requests per minute per client address without a token (10..1000000)",
               IntAt(10, 1000000, [](Config& c, std::int64_t v) { c.ratelimit.anonymous_per_minute = v; }))
        .Field("principal_per_minute", "requests per minute per signed-in account or device (10..1000000)",
               IntAt(10, 1000000, [](Config& c, std::int64_t v) { c.ratelimit.principal_per_minute = v; }))
        .Field("trust_forwarded_for", "behind a reverse proxy: take the client address from X-Forwarded-For's last entry",
               [](Config& c, const RawValue& v) -> Status {
                 auto value = ToBool(v);
                 if (!value) return Fail(value.error());
                 c.ratelimit.trust_forwarded_for = *value;
                 return core::Ok();
               });
    out.push_back(std::move(ratelimit));

    Schema<Config> log("log");
    log.Field("level", "debug, info, warn or error", [](Config& c, const RawValue& v) -> Status {
      auto value = ToOneOf(v, {"debug", "info", "warn", "error"});
      if (!value) return Fail(value.error());
      c.log.level = *value;
      return core::Ok();
    });
    out.push_back(std::move(log));
    return out;
  }();
  return schemas;
}

RawValue FromToml(const toml::node& node, std::string name, std::string origin) {
  RawValue v;
  v.type_name = "value";
  v.name = std::move(name);
  v.origin = std::move(origin);
  switch (node.type()) {
    case toml::node_type::string: v.text = node.as_string()->get(); v.type_name = "string"; break;
    case toml::node_type::integer: v.integer = node.as_integer()->get(); v.type_name = "integer"; break;
    case toml::node_type::boolean: v.boolean = node.as_boolean()->get(); v.type_name = "boolean"; break;
    case toml::node_type::floating_point: v.type_name = "float"; break;
    case toml::node_type::table: v.type_name = "table"; break;
    case toml::node_type::array: v.type_name = "array"; break;
    default: v.type_name = "date/time"; break;
  }
  return v;
}

std::string EnvName(const std::string& section, const std::string& key) {
  std::string name = "VETAHUT_" + section + "_" + key;
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  return name;
}

core::Result<Config> Apply(const toml::table* table, std::string_view origin, const std::map<std::string, std::string>& env,
                           const std::vector<SectionSpec>& modules) {
  std::vector<SectionSpec> known = CoreSections();
  for (const auto& m : modules) known.push_back(m);
  auto find_section = [&](std::string_view name) -> const SectionSpec* {
    for (const auto& s : known) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  auto has_key = [](const SectionSpec& s, std::string_view key) {
    return std::any_of(s.keys.begin(), s.keys.end(), [&](const KeyDoc& k) { return k.key == key; });
  };

  std::map<std::string, RawSection> raw;
  if (table) {
    for (const auto& [section_key, section_node] : *table) {
      const std::string section(section_key.str());
      const auto* section_table = section_node.as_table();
      const SectionSpec* spec = find_section(section);
      if (!spec || !section_table) {
        return Fail(Error::BadRequest(fmt::format("{}: unknown configuration section '{}'", origin, section)));
      }
      for (const auto& [key_node, value] : *section_table) {
        const std::string key(key_node.str());
        const std::string full = section + "." + key;
        if (!has_key(*spec, key)) {
          return Fail(Error::BadRequest(fmt::format("{}: unknown configuration key {}", origin, full)));
        }
        raw[section][key] = FromToml(value, full, std::string(origin));
      }
    }
  }
  // Environment overrides: VETAHUT_<SECTION>_<KEY>. VETAHUT_TEST_* belongs to the test harness.
  for (const auto& [name, value] : env) {
    if (!name.starts_with("VETAHUT_") || name.starts_with("VETAHUT_TEST_")) continue;
    if (name == "VETAHUT_NEW_USER_PASSWORD") continue;  // read by `vetahut user add`, not configuration
    bool matched = false;
    for (const auto& spec : known) {
      for (const auto& k : spec.keys) {
        if (EnvName(spec.name, k.key) != name) continue;
        RawValue v;
        v.text = value;
        v.type_name = "string";
        v.name = name;
        v.origin = "environment";
        raw[spec.name][k.key] = std::move(v);
        matched = true;
      }
    }
    if (!matched) return Fail(Error::BadRequest(fmt::format("environment: unknown configuration variable {}", name)));
  }

  Config config;
  for (const auto& schema : CoreSchemas()) {
    auto it = raw.find(schema.spec().name);
    if (it == raw.end()) continue;
    if (auto s = schema.ApplyTo(it->second, config); !s) return Fail(s.error());
    raw.erase(it);
  }
  config.sections = std::move(raw);
  return config;
}

}  // namespace

Status ParseListen(std::string_view text, ServerConfig& out) {
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Fail(Error::BadRequest(fmt::format("expected [IPV6]:PORT, got '{}'", text)));
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Fail(Error::BadRequest(fmt::format("expected HOST:PORT, got '{}'", text)));
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() ||
      port > 65535) {
    return Fail(Error::BadRequest(fmt::format("expected HOST:PORT with a port 0-65535, got '{}'", text)));
  }
  out.host = std::string(host);
  out.port = static_cast<std::uint16_t>(port);
  return core::Ok();
}

core::Result<Config> LoadFromString(std::string_view text, std::string_view origin,
                                    const std::map<std::string, std::string>& env,
                                    const std::vector<SectionSpec>& modules) {
  try {
    toml::table table = toml::parse(text, origin);
    return Apply(&table, origin, env, modules);
  } catch (const toml::parse_error& e) {
    return Fail(Error::BadRequest(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                              e.source().begin.column, e.description())));
  }
}

core::Result<Config> Load(const std::optional<std::string>& path, const std::map<std::string, std::string>& env,
                          const std::vector<SectionSpec>& modules) {
  if (!path) return Apply(nullptr, "defaults", env, modules);
  try {
    toml::table table = toml::parse_file(*path);
    return Apply(&table, *path, env, modules);
  } catch (const toml::parse_error& e) {
    return Fail(Error::BadRequest(fmt::format("{}:{}:{}: {}", *path, e.source().begin.line,
                                              e.source().begin.column, e.description())));
  }
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::vector<SectionSpec> CoreSections() {
  std::vector<SectionSpec> out;
  for (const auto& schema : CoreSchemas()) out.push_back(schema.spec());
  return out;
}

std::vector<std::pair<std::string, std::string>> DescribeKeys(const std::vector<SectionSpec>& sections) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : sections) {
    for (const auto& k : s.keys) out.emplace_back(s.name + "." + k.key, k.doc);
  }
  return out;
}

const std::string* ClientsConfig::UrlOf(std::string_view service) const {
  if (service == "location") return &location;
  if (service == "menu") return &menu;
  if (service == "customer") return &customer;
  if (service == "payment") return &payment;
  if (service == "order") return &order;
  if (service == "kitchen") return &kitchen;
  if (service == "notification") return &notification;
  if (service == "analytics") return &analytics;
  if (service == "integration") return &integration;
  return nullptr;
}

}  // namespace vetahut::config
