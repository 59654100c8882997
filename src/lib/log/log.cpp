#include "lib/log/log.hpp"

#include "lib/core/text_rules.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

#include "lib/core/clock.hpp"

namespace vetahut::log {
namespace {

std::atomic<int> g_level{int(Level::kInfo)};
std::mutex g_sink_mutex;
std::function<void(std::string_view)> g_sink;  // guarded by g_sink_mutex; empty = stderr

thread_local std::string t_request_id;
thread_local std::string t_trace_id;

void WriteStderr(std::string_view line) {
  std::string buffer(line);
  buffer += '\n';
  std::size_t off = 0;
  while (off < buffer.size()) {
    ssize_t n = ::write(STDERR_FILENO, buffer.data() + off, buffer.size() - off);
    if (n <= 0) return;  // nowhere to complain to
    off += std::size_t(n);
  }
}

}  // namespace

Level ParseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  return Level::kInfo;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void SetLevel(Level level) { g_level = int(level); }
bool Enabled(Level level) { return int(level) >= g_level.load(std::memory_order_relaxed); }

void SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  // A log line stays valid JSON whatever a client sent: text that is not UTF-8 (a raw request
  // path) is logged with U+FFFD for each byte that is not.
  std::string repaired;
  if (!core::IsValidUtf8(text)) {
    for (std::size_t i = 0; i < text.size();) {
      const auto b = static_cast<unsigned char>(text[i]);
      std::size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
      if (len == 0 || i + len > text.size() || !core::IsValidUtf8(text.substr(i, len))) {
        repaired += "\xEF\xBF\xBD";
        ++i;
      } else {
        repaired.append(text.substr(i, len));
        i += len;
      }
    }
    text = repaired;
  }
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += char(c);
        }
    }
  }
}

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(160 + message.size());
  line += "{\"time\":\"";
  line += core::FormatRfc3339(core::SystemClock::Instance().Now());
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"msg\":\"";
  AppendJsonEscaped(line, message);
  line += '"';
  if (!t_request_id.empty()) {
    line += ",\"request_id\":\"";
    AppendJsonEscaped(line, t_request_id);
    line += '"';
  }
  if (!t_trace_id.empty()) {
    line += ",\"trace_id\":\"";
    AppendJsonEscaped(line, t_trace_id);
    line += '"';
  }
  for (const auto& field : fields) {
    line += ",\"";
    AppendJsonEscaped(line, field.key);
    line += "\":";
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            line += '"';
            AppendJsonEscaped(line, v);
            line += '"';
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else {
            line += fmt::format("{}", v);
          }
        },
        field.value);
  }
  line += '}';
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
  } else {
    WriteStderr(line);
  }
}

const std::string& CurrentTraceId() { return t_trace_id; }

std::string TraceIdOf(std::string_view traceparent) {
  // version "-" trace-id (32 hex) "-" parent-id (16 hex) "-" flags
  if (traceparent.size() < 55 || traceparent[2] != '-' || traceparent[35] != '-') return "";
  const std::string_view id = traceparent.substr(3, 32);
  bool all_zero = true;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
    all_zero = all_zero && c == '0';
  }
  return all_zero ? "" : std::string(id);
}

Context::Context(std::string request_id, std::string trace_id)
    : previous_request_id_(std::move(t_request_id)), previous_trace_id_(std::move(t_trace_id)) {
  t_request_id = std::move(request_id);
  t_trace_id = std::move(trace_id);
}

Context::~Context() {
  t_request_id = std::move(previous_request_id_);
  t_trace_id = std::move(previous_trace_id_);
}

}  // namespace vetahut::log
