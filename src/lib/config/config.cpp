#include "lib/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <toml++/toml.h>
#include <unistd.h>

extern char** environ;

namespace vetahut::config {
namespace {

using core::Error;
using core::Fail;
using core::Status;

/// A raw value from either source, before it is converted to the field's type.
struct RawValue {
  std::optional<std::string> text;     // from the environment, or a TOML string
  std::optional<std::int64_t> integer;  // a TOML integer
  std::optional<bool> boolean;          // a TOML boolean
  std::string type_name;                // what TOML said it was, for messages
};

Error ConfigError(std::string_view key, std::string_view why) {
  return Error::BadRequest(fmt::format("configuration key {}: {}", key, why));
}

Status GetInt(const RawValue& v, std::string_view key, std::int64_t min, std::int64_t max,
              std::int64_t& out) {
  std::int64_t value = 0;
  if (v.integer) {
    value = *v.integer;
  } else if (v.text) {
    auto [p, ec] = std::from_chars(v.text->data(), v.text->data() + v.text->size(), value);
    if (ec != std::errc() || p != v.text->data() + v.text->size()) {
      return Fail(ConfigError(key, fmt::format("expected an integer, got '{}'", *v.text)));
    }
  } else {
    return Fail(ConfigError(key, fmt::format("expected an integer, got a {}", v.type_name)));
  }
  if (value < min || value > max) {
    return Fail(ConfigError(key, fmt::format("{} is out of range [{}, {}]", value, min, max)));
  }
  out = value;
  return core::Ok();
}

Status GetString(const RawValue& v, std::string_view key, std::string& out) {
  if (!v.text) return Fail(ConfigError(key, fmt::format("expected a string, got a {}", v.type_name)));
  out = *v.text;
  return core::Ok();
}

Status GetBool(const RawValue& v, std::string_view key, bool& out) {
  if (v.boolean) {
    out = *v.boolean;
  } else if (v.text && (*v.text == "true" || *v.text == "1")) {
    out = true;
  } else if (v.text && (*v.text == "false" || *v.text == "0")) {
    out = false;
  } else {
    return Fail(ConfigError(key, "expected true or false"));
  }
  return core::Ok();
}

using Setter = std::function<Status(Config&, const RawValue&, std::string_view key)>;

struct Field {
  std::string section;
  std::string key;
  std::string doc;
  Setter set;
};

Setter IntField(std::int64_t min, std::int64_t max, std::function<void(Config&, std::int64_t)> assign) {
  return [=](Config& c, const RawValue& v, std::string_view key) -> Status {
    std::int64_t value;
    if (auto s = GetInt(v, key, min, max, value); !s) return s;
    assign(c, value);
    return core::Ok();
  };
}

Setter MillisField(std::function<std::chrono::milliseconds&(Config&)> ref) {
  return [=](Config& c, const RawValue& v, std::string_view key) -> Status {
    std::int64_t value;
    if (auto s = GetInt(v, key, 1, 24LL * 3600 * 1000, value); !s) return s;
    ref(c) = std::chrono::milliseconds(value);
    return core::Ok();
  };
}

Setter OneOf(std::vector<std::string> allowed, std::function<std::string&(Config&)> ref) {
  return [=](Config& c, const RawValue& v, std::string_view key) -> Status {
    std::string value;
    if (auto s = GetString(v, key, value); !s) return s;
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      return Fail(ConfigError(key, fmt::format("'{}' is not one of: {}", value, fmt::join(allowed, ", "))));
    }
    ref(c) = value;
    return core::Ok();
  };
}

const std::vector<Field>& Fields() {
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    auto millis = [](auto member) {
      return [member](Config& c) -> std::chrono::milliseconds& { return c.server.*member; };
    };
    f.push_back({"app", "target", "what this process runs: all, gateway or one service",
                 OneOf({"all", "gateway", "menu", "location", "customer", "order", "payment", "kitchen",
                        "notification", "analytics"},
                       [](Config& c) -> std::string& { return c.target; })});
    f.push_back({"app", "data_dir", "directory for the SQLite file and file outboxes",
                 [](Config& c, const RawValue& v, std::string_view key) -> Status {
                   std::string value;
                   if (auto s = GetString(v, key, value); !s) return s;
                   if (value.empty()) return Fail(ConfigError(key, "must not be empty"));
                   c.data_dir = value;
                   return core::Ok();
                 }});
    f.push_back({"app", "demo", "load demo data on first start",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetBool(v, key, c.demo); }});
    f.push_back({"app", "bench_fixture", "a file served at /bench/fixture.json, for benchmarks only",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.bench_fixture); }});
    f.push_back({"auth", "issuer", "iss of access tokens",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.auth.issuer); }});
    f.push_back({"auth", "audience", "aud of access tokens",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.auth.audience); }});
    f.push_back({"auth", "access_token_ttl_s", "access token lifetime in seconds (60..3600)",
                 IntField(60, 3600, [](Config& c, std::int64_t v) { c.auth.access_token_ttl_s = int(v); })});
    f.push_back({"auth", "refresh_token_ttl_h", "refresh token lifetime in hours (1..2160)",
                 IntField(1, 2160, [](Config& c, std::int64_t v) { c.auth.refresh_token_ttl_h = int(v); })});
    f.push_back({"order", "payment_timeout_s", "seconds a payment may stay pending before it is voided and the order rejected",
                 IntField(1, 86400, [](Config& c, std::int64_t v) { c.order.payment_timeout_s = int(v); })});
    f.push_back({"order", "prep_minutes", "minutes from order to ready, for ASAP promise times",
                 IntField(1, 240, [](Config& c, std::int64_t v) { c.order.prep_minutes = int(v); })});
    f.push_back({"order", "saga_lease_s", "seconds after which a crashed runner's hold on an order saga expires",
                 IntField(1, 600, [](Config& c, std::int64_t v) { c.order.saga_lease_s = int(v); })});
    f.push_back({"payment", "provider", "card processor: sandbox or stripe",
                 OneOf({"sandbox", "stripe"}, [](Config& c) -> std::string& { return c.payment.provider; })});
    f.push_back({"payment", "webhook_secret", "secret that signs provider callbacks",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.payment.webhook_secret); }});
    f.push_back({"payment", "sandbox_latency_ms", "sandbox: simulated processor latency per call",
                 IntField(0, 60000, [](Config& c, std::int64_t v) { c.payment.sandbox_latency_ms = int(v); })});
    f.push_back({"payment", "sandbox_webhook_url", "sandbox: URL it sends signed callbacks to (empty = none)",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.payment.sandbox_webhook_url); }});
    f.push_back({"payment", "stripe_api_base", "Stripe-compatible API base URL",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.payment.stripe_api_base); }});
    f.push_back({"payment", "stripe_secret_key", "Stripe secret API key (sk_…)",
                 [](Config& c, const RawValue& v, std::string_view key) { return GetString(v, key, c.payment.stripe_secret_key); }});
    f.push_back({"server", "listen", "HOST:PORT to listen on (port 0 picks a free port)",
                 [](Config& c, const RawValue& v, std::string_view key) -> Status {
                   std::string value;
                   if (auto s = GetString(v, key, value); !s) return s;
                   if (auto s = ParseListen(value, c.server); !s) {
                     return Fail(ConfigError(key, s.error().detail));
                   }
                   return core::Ok();
                 }});
    f.push_back({"server", "io_threads", "I/O threads (0 = one per core)",
                 IntField(0, 256, [](Config& c, std::int64_t v) { c.server.io_threads = int(v); })});
    f.push_back({"server", "worker_threads", "threads running request handlers",
                 IntField(1, 1024, [](Config& c, std::int64_t v) { c.server.worker_threads = int(v); })});
    f.push_back({"server", "worker_queue_limit", "queued requests before 503",
                 IntField(1, 1 << 20, [](Config& c, std::int64_t v) { c.server.worker_queue_limit = v; })});
    f.push_back({"server", "header_limit_bytes", "largest request line + headers",
                 IntField(1024, 1 << 20, [](Config& c, std::int64_t v) { c.server.header_limit_bytes = v; })});
    f.push_back({"server", "body_limit_bytes", "largest request body",
                 IntField(0, 1LL << 30, [](Config& c, std::int64_t v) { c.server.body_limit_bytes = v; })});
    f.push_back({"server", "read_timeout_ms", "time allowed to read one request",
                 MillisField(millis(&ServerConfig::read_timeout))});
    f.push_back({"server", "write_timeout_ms", "time allowed to write one response",
                 MillisField(millis(&ServerConfig::write_timeout))});
    f.push_back({"server", "idle_timeout_ms", "keep-alive idle time",
                 MillisField(millis(&ServerConfig::idle_timeout))});
    f.push_back({"server", "drain_timeout_ms", "graceful shutdown budget",
                 MillisField(millis(&ServerConfig::drain_timeout))});
    f.push_back({"db", "url", "sqlite:PATH or postgresql://USER@HOST:PORT/DB",
                 [](Config& c, const RawValue& v, std::string_view key) -> Status {
                   std::string value;
                   if (auto s = GetString(v, key, value); !s) return s;
                   if (!value.starts_with("sqlite:") && !value.starts_with("postgresql://") &&
                       !value.starts_with("postgres://")) {
                     return Fail(ConfigError(key, "must start with sqlite:, postgresql:// or postgres://"));
                   }
                   c.db.url = value;
                   return core::Ok();
                 }});
    f.push_back({"db", "pool_size", "database connections per process",
                 IntField(1, 512, [](Config& c, std::int64_t v) { c.db.pool_size = int(v); })});
    f.push_back({"bus", "url", "inproc: (embedded) or amqp://USER:PASS@HOST:PORT/VHOST",
                 [](Config& c, const RawValue& v, std::string_view key) -> Status {
                   std::string value;
                   if (auto s = GetString(v, key, value); !s) return s;
                   if (value != "inproc:" && !value.starts_with("amqp://")) {
                     return Fail(ConfigError(key, "must be inproc: or an amqp:// URL"));
                   }
                   c.bus.url = value;
                   return core::Ok();
                 }});
    f.push_back({"bus", "relay_interval_ms", "how often the outbox relay polls when idle",
                 [](Config& c, const RawValue& v, std::string_view key) -> Status {
                   std::int64_t value;
                   if (auto s = GetInt(v, key, 1, 60000, value); !s) return s;
                   c.bus.relay_interval = std::chrono::milliseconds(value);
                   return core::Ok();
                 }});
    f.push_back({"log", "level", "debug, info, warn or error",
                 OneOf({"debug", "info", "warn", "error"}, [](Config& c) -> std::string& { return c.log.level; })});
    return f;
  }();
  return fields;
}

const Field* FindField(std::string_view section, std::string_view key) {
  for (const auto& f : Fields()) {
    if (f.section == section && f.key == key) return &f;
  }
  return nullptr;
}

RawValue FromToml(const toml::node& node) {
  RawValue v;
  v.type_name = "value";
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

core::Result<Config> Apply(const toml::table* table, std::string_view origin,
                           const std::map<std::string, std::string>& env) {
  Config config;
  if (table) {
    for (const auto& [section_key, section_node] : *table) {
      const std::string section(section_key.str());
      const auto* section_table = section_node.as_table();
      const bool known_section = std::any_of(Fields().begin(), Fields().end(),
                                             [&](const Field& f) { return f.section == section; });
      if (!known_section || !section_table) {
        return Fail(Error::BadRequest(fmt::format("{}: unknown configuration section '{}'", origin, section)));
      }
      for (const auto& [key_node, value] : *section_table) {
        const std::string key(key_node.str());
        const std::string full = section + "." + key;
        const Field* field = FindField(section, key);
        if (!field) {
          return Fail(Error::BadRequest(fmt::format("{}: unknown configuration key {}", origin, full)));
        }
        if (auto s = field->set(config, FromToml(value), full); !s) {
          return Fail(Error::BadRequest(fmt::format("{}: {}", origin, s.error().detail)));
        }
      }
    }
  }
  // Environment overrides: VETAHUT_<SECTION>_<KEY>. VETAHUT_TEST_* belongs to the test harness.
  for (const auto& [name, value] : env) {
    if (!name.starts_with("VETAHUT_") || name.starts_with("VETAHUT_TEST_")) continue;
    if (name == "VETAHUT_NEW_USER_PASSWORD") continue;  // read by `vetahut user add`, not configuration
    const Field* match = nullptr;
    for (const auto& f : Fields()) {
      std::string expected = "VETAHUT_" + f.section + "_" + f.key;
      std::transform(expected.begin(), expected.end(), expected.begin(), ::toupper);
      if (expected == name) match = &f;
    }
    if (!match) {
      return Fail(Error::BadRequest(fmt::format("environment: unknown configuration variable {}", name)));
    }
    RawValue raw;
    raw.text = value;
    raw.type_name = "string";
    if (auto s = match->set(config, raw, name); !s) {
      return Fail(Error::BadRequest(fmt::format("environment: {}", s.error().detail)));
    }
  }
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
                                    const std::map<std::string, std::string>& env) {
  try {
    toml::table table = toml::parse(text, origin);
    return Apply(&table, origin, env);
  } catch (const toml::parse_error& e) {
    return Fail(Error::BadRequest(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                              e.source().begin.column, e.description())));
  }
}

core::Result<Config> Load(const std::optional<std::string>& path,
                          const std::map<std::string, std::string>& env) {
  if (!path) return Apply(nullptr, "defaults", env);
  try {
    toml::table table = toml::parse_file(*path);
    return Apply(&table, *path, env);
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

std::vector<std::pair<std::string, std::string>> DescribeKeys() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : Fields()) out.emplace_back(f.section + "." + f.key, f.doc);
  return out;
}

}  // namespace vetahut::config
