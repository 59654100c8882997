#pragma once
/// Structured logs: one JSON object per line with time, level, message, request id and trace id.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace vetahut::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

/// "debug" | "info" | "warn" | "error" → Level; anything else → kInfo.
Level ParseLevel(std::string_view name);
std::string_view LevelName(Level level);

/// One extra key/value on a log line.
struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::int64_t(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::int64_t(v)) {}
  Field(std::string_view k, std::uint64_t v) : key(k), value(std::int64_t(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

/// Sets the lowest level written (default info).
void SetLevel(Level level);
bool Enabled(Level level);
/// Replaces where lines go (default: stderr). The sink gets one complete line without '\n'.
void SetSink(std::function<void(std::string_view line)> sink);

/// Writes one line if `level` is enabled. Adds request_id/trace_id from the current `Context`.
void Write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, m, f); }

/// Sets the request id and trace id attached to every line this thread writes while it lives.
class Context {
 public:
  Context(std::string request_id, std::string trace_id);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

 private:
  std::string previous_request_id_;
  std::string previous_trace_id_;
};

/// The trace id of this thread's current Context ("" outside one): events written now carry it on.
const std::string& CurrentTraceId();

/// The trace id (32 lowercase hex digits) of a W3C `traceparent` value, or "" when it has none.
std::string TraceIdOf(std::string_view traceparent);

/// Appends `text` to `out` as the inside of a JSON string (quotes not included).
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace vetahut::log
