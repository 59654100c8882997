#include "lib/json/write.hpp"


#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>

namespace vetahut::json_text {
namespace {

void AppendInteger(std::string& out, auto value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}

void AppendObject(std::string& out, const boost::json::object& object);
void AppendArray(std::string& out, const boost::json::array& array);

void AppendValue(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: out.append("null"); break;
    case boost::json::kind::bool_: out.append(v.get_bool() ? "true" : "false"); break;
    case boost::json::kind::int64: AppendInteger(out, v.get_int64()); break;
    case boost::json::kind::uint64: AppendInteger(out, v.get_uint64()); break;
    case boost::json::kind::double_: AppendDouble(out, v.get_double()); break;
    case boost::json::kind::string: AppendString(out, v.get_string()); break;
    case boost::json::kind::array: AppendArray(out, v.get_array()); break;
    case boost::json::kind::object: AppendObject(out, v.get_object()); break;
  }
}

void AppendObject(std::string& out, const boost::json::object& object) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : object) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(out, key);
    out.push_back(':');
    AppendValue(out, value);
  }
  out.push_back('}');
}

void AppendArray(std::string& out, const boost::json::array& array) {
  out.push_back('[');
  bool first = true;
  for (const auto& value : array) {
    if (!first) out.push_back(',');
    first = false;
    AppendValue(out, value);
  }
  out.push_back(']');
}

}  // namespace

void AppendDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  // std::to_chars without a format gives the shortest text that reads back to the same double,
  // in plain or scientific notation, whichever is shorter ("40.74844", "1e+21").
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  out.append(text);
  // A whole double stays a double when read back ("2.0", not "2", which parsers take as an integer).
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

void AppendString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of bytes that need no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.substr(run));
  out.push_back('"');
}

void AppendTo(std::string& out, const boost::json::value& value) { AppendValue(out, value); }

std::string Serialize(const boost::json::value& value) {
  std::string out;
  out.reserve(256);
  AppendValue(out, value);
  return out;
}

std::string Serialize(const boost::json::object& object) {
  std::string out;
  out.reserve(256);
  AppendObject(out, object);
  return out;
}

std::string Serialize(const boost::json::array& array) {
  std::string out;
  out.reserve(256);
  AppendArray(out, array);
  return out;
}

}  // namespace vetahut::json_text
