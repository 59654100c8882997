#include "lib/http/request_head.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <random>

#include <boost/beast/http/error.hpp>

#include "lib/http/beast_request.hpp"

namespace vetahut::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::uint64_t RandomWord() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine();
}

// 32 lowercase hex digits (128 random bits): request ids and W3C trace ids.
void AssignRandomHexId(std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.resize(32);
  for (int word = 0; word < 2; ++word) {
    std::uint64_t v = RandomWord();
    for (int i = 0; i < 16; ++i) {
      out[static_cast<std::size_t>(word * 16 + i)] = kHex[v & 0xF];
      v >>= 4;
    }
  }
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsAllZero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// RFC 9110 tchar: what a method name is made of.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsVisibleAscii(char c) { return c > ' ' && c < 0x7f; }

}  // namespace

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// W3C Trace Context: "version-traceid(32)-parentid(16)-flags(2)"; version ff is invalid, and
// version 00 has exactly that length (later versions may append fields).
std::optional<std::string_view> TraceIdFromTraceparent(std::string_view tp) {
  if (tp.size() < 55) return std::nullopt;
  std::string_view version = tp.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" && tp.size() != 55) return std::nullopt;
  if (tp.size() > 55 && tp[55] != '-') return std::nullopt;
  if (tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  std::string_view trace = tp.substr(3, 32);
  std::string_view parent = tp.substr(36, 16);
  if (!IsLowerHex(trace) || IsAllZero(trace)) return std::nullopt;
  if (!IsLowerHex(parent) || IsAllZero(parent)) return std::nullopt;
  if (!IsLowerHex(tp.substr(53, 2))) return std::nullopt;
  return trace;
}

void AssignRequestIds(Request& r) {
  auto incoming_id = r.Header("X-Request-Id");
  if (incoming_id && IsValidRequestId(*incoming_id)) {
    r.request_id.assign(*incoming_id);
  } else {
    AssignRandomHexId(r.request_id);
  }
  std::optional<std::string_view> trace;
  if (auto tp = r.Header("traceparent")) trace = TraceIdFromTraceparent(*tp);
  if (trace) {
    r.trace_id.assign(*trace);
  } else {
    AssignRandomHexId(r.trace_id);
  }
}

bool SetTarget(Request& r, std::string_view target) {
  bool acceptable = true;
  std::string origin_form;
  if ((target.size() >= 7 && EqualsIgnoreCase(target.substr(0, 7), "http://")) ||
      (target.size() >= 8 && EqualsIgnoreCase(target.substr(0, 8), "https://"))) {
    // Absolute form (RFC 9112 §3.2.2, which servers must accept): drop scheme and authority.
    const std::string_view rest = target.substr(target.find("//") + 2);
    const std::size_t start = rest.find_first_of("/?");
    if (start == std::string_view::npos || rest[start] == '?') origin_form = "/";
    if (start != std::string_view::npos) origin_form.append(rest.substr(start));
    target = origin_form;
  } else if (target != "*" && !target.starts_with('/')) {
    acceptable = false;  // not a request target (RFC 9112 §3.2): "?x", "x/y", ""
    target = "/";
  }
  r.target.assign(target.data(), target.size());
  std::size_t q = r.target.find('?');
  if (q == std::string::npos) {
    r.path = r.target;
    r.query.clear();
  } else {
    r.path.assign(r.target, 0, q);
    r.query.assign(r.target, q + 1);
  }
  return acceptable;
}

std::string_view RequestLinePath(std::string_view raw) {
  const std::size_t end = raw.find('\n');
  if (end == std::string_view::npos) return {};
  std::string_view line = raw.substr(0, end);
  if (line.ends_with('\r')) line.remove_suffix(1);
  const std::size_t method_end = line.find(' ');
  if (method_end == 0 || method_end == std::string_view::npos ||
      !std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(method_end),
                   IsTokenChar)) {
    return {};
  }
  std::string_view rest = line.substr(method_end + 1);
  const std::size_t target_end = rest.find(' ');
  if (target_end == 0 || target_end == std::string_view::npos) return {};
  std::string_view target = rest.substr(0, target_end);
  if (!std::all_of(target.begin(), target.end(), IsVisibleAscii)) return {};
  if (!rest.substr(target_end + 1).starts_with("HTTP/")) return {};
  return target.substr(0, target.find('?'));
}

ParsedRequest ParseRequest(std::string_view bytes, std::size_t header_limit,
                           std::size_t body_limit) {
  ParsedRequest out;
  detail::BeastRequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(header_limit, UINT32_MAX)));
  parser.body_limit(body_limit);
  parser.eager(true);  // the server reads the body right after the head: the same state machine
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done()) {
    const std::size_t n =
        parser.put(boost::asio::const_buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      if (n == 0 || used == bytes.size()) break;  // waits for bytes that are not there
      ec = {};
      continue;
    }
    if (ec) break;
    if (n == 0) break;
  }
  if (parser.is_done() && !ec) {
    out.status = ParseStatus::kComplete;
    out.consumed = used;
    out.keep_alive = parser.get().keep_alive();
    if (!detail::FillRequest(parser.get(), out.request, out.unknown_method))
      out.status = ParseStatus::kMalformed;
    return out;
  }
  // The same classification as the server's Session::FailRead.
  if (ec == bhttp::error::header_limit) {
    out.status = ParseStatus::kHeaderTooLarge;
  } else if (ec == bhttp::error::body_limit) {
    out.status = ParseStatus::kBodyTooLarge;
  } else if (!ec || ec == bhttp::error::need_more) {
    out.status = ParseStatus::kIncomplete;
  } else {
    out.status = ParseStatus::kMalformed;
  }
  detail::FillErrorRequest(&parser, bytes.substr(used, header_limit), out.request,
                           out.unknown_method);
  return out;
}

namespace detail {

bool FillRequest(BeastRequest& msg, Request& r, std::string& unknown_method) {
  auto method_name = msg.method_string();
  auto method = ParseMethod(std::string_view(method_name.data(), method_name.size()));
  unknown_method.clear();
  if (method) {
    r.method = *method;
  } else {
    r.method = Method::kGet;
    unknown_method.assign(method_name.data(), method_name.size());
  }
  auto target = msg.target();
  const bool acceptable = SetTarget(r, std::string_view(target.data(), target.size()));
  // Reuse header strings across requests on a connection to keep their capacity.
  std::size_t i = 0;
  for (const auto& field : msg) {
    auto name = field.name_string();
    auto value = field.value();
    if (i == r.headers.size()) r.headers.emplace_back();
    r.headers[i].name.assign(name.data(), name.size());
    r.headers[i].value.assign(value.data(), value.size());
    ++i;
  }
  r.headers.resize(i);
  r.body = std::move(msg.body());
  r.path_params.clear();
  r.route = nullptr;
  r.allowed_methods.clear();
  r.caller
      .reset();  // never let one request's identity leak into the next on a kept-alive connection
  AssignRequestIds(r);
  return acceptable;
}

void FillErrorRequest(BeastRequestParser* parser, std::string_view raw, Request& r,
                      std::string& unknown_method) {
  unknown_method.clear();
  // Beast fills the message's target once it has parsed the request line, and each field as it
  // parses it, so a head that failed on its size or body limit still names its path.
  if (parser != nullptr && !parser->get().target().empty()) {
    (void)FillRequest(parser->get(), r, unknown_method);  // an unacceptable target reads as "/"
    r.body.clear();
  } else {
    r = Request{};
    SetTarget(r, RequestLinePath(raw));
    AssignRequestIds(r);
  }
  if (r.path.empty()) {
    r.path = "/";
    if (r.target.empty()) r.target = "/";
  }
}

}  // namespace detail

}  // namespace vetahut::http
