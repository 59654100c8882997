// The route-walking hostile suite (issue 10, "Our own hostile suite"). The real `vetahut serve
// --demo` (SQLite or PostgreSQL) gets, on every route `vetahut routes --json` lists — so a new
// route is walked without editing this file — from anonymous, the demo customer, the demo admin
// and forged tokens (garbled, alg=none, re-signed payload, expired-looking):
//   - path parameters filled with real ids (a demo store, a live order of the demo customer, …)
//     and with unknown, injection-looking, NUL, invalid-UTF-8 and 10 KB ids;
//   - bodies: malformed and truncated JSON, wrong top-level types, invalid UTF-8, raw NUL, 1e400,
//     10 000 levels of nesting, the wrong Content-Type, form-encoded grants, and field-level
//     variants built from a vocabulary of the API's field names (every field wrong at once);
//   - single-field mutations of a plausible base body, for the fields each route reads (learned
//     by wrong-type probes): NUL, control characters, 10 KB, 2^63-1, -2^63, 10^18, 1e400, …;
//   - bad query parameters (limit, cursor, lat/lon, dates, enums) on every GET;
//   - transport abuse: a body over server.body_limit_bytes, a 20 KB header, 3000 headers, broken
//     Content-Length and chunking, control bytes in headers.
// It asserts: never a 5xx; every error is problem+json with `status` = the HTTP status and a
// non-empty `instance` (RFC 6749 JSON with Cache-Control: no-store on the token endpoint); a
// write route never accepts an invalid request; a refused request (and any GET) changes the row
// count of no table, outboxes included; a collection refuses a bad limit or cursor; the server
// still answers /readyz and exits 0 on SIGTERM, with no sanitizer report in its log.
// Every failure names the route, the caller, the variant, the target, the status and the start
// of the body.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "order_fixture.hpp"

namespace {

using namespace vetahut::testing;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 exchange over a socket: hostile requests need bytes no HTTP library would send
// (bad Content-Length, control bytes in headers, raw invalid UTF-8 in the target, bodies beyond
// the limit that the server refuses before reading).

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  bool stream = false;  // text/event-stream: the head was read and the connection closed
  std::string failure;  // no complete response (transport error, timeout)

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Tries to read a complete response out of `in`; false if more bytes are needed.
bool ParseResponse(const std::string& in, bool eof, Reply& r) {
  const auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string head = in.substr(0, head_end);
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
    r.failure = "not an HTTP response: " + head.substr(0, 60);
    return true;
  }
  r.status = std::atoi(head.c_str() + head.find(' ') + 1);
  r.headers.clear();
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    const std::size_t start = pos + 2;
    const std::size_t end = std::min(head.find("\r\n", start), head.size());
    const std::string line = head.substr(start, end - start);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      r.headers.emplace_back(Lower(line.substr(0, colon)), value);
    }
    pos = end == head.size() ? std::string::npos : end;
  }
  const std::string body = in.substr(head_end + 4);
  if (Lower(r.Header("content-type").value_or("")).starts_with("text/event-stream")) {
    r.stream = true;
    return true;
  }
  if (auto length = r.Header("content-length")) {
    const std::size_t n = std::strtoull(length->c_str(), nullptr, 10);
    if (body.size() < n) {
      if (eof)
        r.failure = fmt::format("connection closed after {} of {} body bytes", body.size(), n);
      return eof;
    }
    r.body = body.substr(0, n);
    return true;
  }
  if (Lower(r.Header("transfer-encoding").value_or("")).find("chunked") != std::string::npos) {
    std::string out;
    std::size_t p = 0;
    for (;;) {
      const auto line_end = body.find("\r\n", p);
      if (line_end == std::string::npos) break;
      const std::size_t size = std::strtoull(body.c_str() + p, nullptr, 16);
      if (size == 0) {
        r.body = out;
        return true;
      }
      if (body.size() < line_end + 2 + size + 2) break;
      out += body.substr(line_end + 2, size);
      p = line_end + 2 + size + 2;
    }
    if (eof) r.failure = "connection closed inside a chunked body";
    return eof;
  }
  if (!eof) return false;  // no framing: the body ends with the connection
  r.body = body;
  return true;
}

/// Sends `bytes` to 127.0.0.1:`port` from `source` (another loopback address keeps the hostile
/// client's login-throttling bucket apart from the fixture's sign-ins) and reads one response.
/// Sending stops as soon as the server answers (it may refuse a body before reading it).
Reply Exchange(int port, const std::string& bytes, const char* source = "127.0.0.2") {
  Reply r;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    r.failure = std::string("socket: ") + std::strerror(errno);
    return r;
  }
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  (void)bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);  // falls back to 127.0.0.1
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    r.failure = std::string("connect: ") + std::strerror(errno);
    close(fd);
    return r;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  auto left_ms = [&] {
    return static_cast<int>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
  };
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd, POLLIN | POLLOUT, 0};
    if (poll(&p, 1, left_ms()) <= 0) {
      r.failure = "timed out sending the request";
      close(fd);
      return r;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) break;  // answered (or closed) before the end
    const ssize_t w = send(fd, bytes.data() + sent,
                           std::min<std::size_t>(bytes.size() - sent, 1 << 16), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      break;  // EPIPE / ECONNRESET: read whatever answer came back
    }
    sent += static_cast<std::size_t>(w);
  }
  std::string in;
  char buf[1 << 16];
  for (;;) {
    if (ParseResponse(in, false, r)) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left_ms()) <= 0) {
      r.failure = fmt::format("no complete response within 20 s ({} bytes read)", in.size());
      break;
    }
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      in.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      if (!ParseResponse(in, true, r))
        r.failure = fmt::format("connection closed without a response ({} bytes read)", in.size());
      break;
    } else if (errno != EAGAIN && errno != EINTR) {
      if (!ParseResponse(in, true, r) || r.status == 0) {
        r.failure = fmt::format("{} after {} of {} request bytes, no response",
                                std::strerror(errno), sent, bytes.size());
      }
      break;
    }
  }
  close(fd);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

std::string Base64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::string FromBase64Url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

/// The start of a body, printable, for failure messages.
std::string Preview(std::string_view body, std::size_t max = 200) {
  std::string out;
  for (unsigned char c : body.substr(0, max)) {
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (body.size() > max) out += fmt::format("… ({} bytes)", body.size());
  return out;
}

std::string ExitText(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return fmt::format("wait status {}", status);
}

std::string JsonString(std::string_view s) { return json::serialize(json::value(json::string(s))); }

// ---------------------------------------------------------------------------------------------
// Hostile bodies. The field vocabulary below holds every field name the API's bodies use (a
// vocabulary, not a list of routes: each route reads the fields it knows and, nearly everywhere,
// ignores the others), as a tree with a plausible value per leaf. From it come
//   - field-level variants where every leaf is wrong at once (any route that reads any field
//     must refuse them);
//   - a plausible base body, which many routes accept as it is;
//   - wrong-type probes of groups of fields, which tell which fields a route reads (a route
//     that reads a field refuses a wrong type for it);
//   - single-field mutations of the base for the fields a route reads: NUL, control characters,
//     10 KB strings, 2^63-1, -2^63, 10^18, 1e400, …, so one validated field cannot hide another.

struct Node {
  enum class Kind { kText, kNumber, kBool, kObject, kArray };
  std::string key;  // member name; "[]" for the element of an array
  Kind kind;
  std::string plausible;       // JSON text of a leaf ("{n}" becomes a per-request counter)
  std::string seed;            // the text hostile strings are made from
  std::vector<Node> children;  // object members, or the one element of an array
};

Node T(std::string key, std::string plausible) {
  return {key, Node::Kind::kText, JsonString(plausible), plausible, {}};
}
/// A text field that the base leaves null (a scheduled time, a coupon): mutated from `seed`.
Node TNull(std::string key, std::string seed) { return {key, Node::Kind::kText, "null", seed, {}}; }
Node N(std::string key, std::string plausible) {
  return {key, Node::Kind::kNumber, plausible, "", {}};
}
Node B(std::string key, std::string plausible) {
  return {key, Node::Kind::kBool, plausible, "", {}};
}
Node O(std::string key, std::vector<Node> members) {
  return {key, Node::Kind::kObject, "", "", std::move(members)};
}
Node A(std::string key, Node element) {
  element.key = "[]";
  return {key, Node::Kind::kArray, "", "", {std::move(element)}};
}

std::vector<Node> Vocabulary(const std::string& store_id) {
  auto money = [](std::string key, std::string amount) {
    return O(key, {N("amount", amount), T("currency", "USD")});
  };
  auto week = [](std::string key) {
    return O(key,
             {A("weekly", O("", {T("day", "monday"), T("open", "10:00"), T("close", "22:00")}))});
  };
  return {
      // identity
      T("email", "hostile.probe+{n}@example.test"),
      T("password", "hostile-probe-password"),
      T("name", "Hostile Probe {n}"),
      T("phone", "+13125550123"),
      B("marketing_consent", "false"),
      T("grant_type", "password"),
      T("username", "hostile.probe+{n}@example.test"),
      T("refresh_token", "rt_hostile_probe_{n}"),
      T("client_id", "dev_hostile_probe"),
      T("client_secret", "hostile-secret"),
      T("scope", "orders"),
      T("label", "Home"),
      T("line1", "1 N State St"),
      T("line2", "Floor 2"),
      T("city", "Chicago"),
      T("region", "IL"),
      T("postal_code", "60602"),
      T("country", "US"),
      N("latitude", "41.882"),
      N("longitude", "-87.6278"),
      T("note", "extra crispy"),
      A("roles", O("", {T("role", "store_manager"), T("store_id", store_id)})),
      N("points", "1"),
      T("reason", "goodwill"),
      // stores
      T("timezone", "America/Chicago"),
      T("currency", "USD"),
      T("locale", "en-US"),
      A("services", T("", "carryout")),
      O("address", {T("line1", "1 N State St"), T("line2", "Floor 2"), T("city", "Chicago"),
                    T("region", "IL"), T("postal_code", "60602"), T("country", "US"),
                    N("latitude", "41.882"), N("longitude", "-87.6278")}),
      week("delivery"),
      week("carryout"),
      week("dine_in"),
      A("zones", O("", {T("name", "Loop 1 km"), money("fee", "299"), money("minimum_order", "1000"),
                        N("estimate_minutes", "30"),
                        O("center", {N("latitude", "41.8781"), N("longitude", "-87.6359")}),
                        N("radius_m", "1000")})),
      N("length_minutes", "15"),
      N("lead_time_minutes", "0"),
      N("capacity", "5"),
      N("minutes", "30"),
      TNull("resume_at", "2031-01-01T00:00:00Z"),
      // menu
      B("available", "true"),
      TNull("until", "2031-01-01T00:00:00Z"),
      T("kind", "product"),
      T("size", "large"),
      money("price", "1099"),
      T("mode", "exclusive"),
      O("rates", {N("food", "8875"), N("beverage", "8875")}),
      TNull("publish_at", "2031-01-01T00:00:00Z"),
      // ordering and payment
      T("store_id", store_id),
      T("type", "carryout"),
      TNull("scheduled_for", "2031-01-01T18:00:00Z"),
      TNull("coupon_code", "PIZZA20"),
      money("tip", "100"),
      money("amount", "100"),
      T("status", "preparing"),
      O("payment", {T("method", "pay_at_store"), TNull("token", "tok_hostile_probe")}),
      // the counter (POS): the customer a phone order is for; a refund by line
      O("customer", {TNull("id", "cus_hostile_probe"), TNull("name", "Hostile Probe")}),
      A("lines", O("", {N("index", "0"), N("quantity", "1")})),
      A("items", O("", {T("product_id", "cheese_pizza"), T("size", "large"),
                        T("crust", "hand_tossed"), N("quantity", "1"), T("notes", "well done"),
                        A("toppings", O("", {T("topping_id", "pepperoni"), T("portion", "left"),
                                             T("amount", "normal")}))})),
      T("number", "4242424242424242"),
      N("exp_month", "12"),
      N("exp_year", "2031"),
      T("cvc", "123"),
      // partner webhooks and exports (a reserved .example host never resolves: refused, never
      // sent to; a past business day of the fixture's store is a journal that can be made)
      T("url", "https://partner.example/hooks/{n}"),
      T("description", "ERP {n}"),
      A("event_types", T("", "com.vetahut.order.*")),
      B("active", "true"),
      T("from", "2026-01-01T00:00:00Z"),
      T("to", "2026-01-02T00:00:00Z"),
      T("business_date", "2026-01-05"),
      // provider callbacks
      T("id", "evt_hostile_probe_{n}"),
      N("created", "1767225600"),
      O("data", {T("reference", "pi_hostile"), N("amount", "100"), T("currency", "USD")}),
  };
}

/// A counter in letters ("b", "ba", …): unique values that pass any name or e-mail rule.
std::string Letters(int n) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return out;
}

/// Replaces a leaf's rendering: the JSON text to use, or nullopt for the plausible value.
using Override =
    std::function<std::optional<std::string>(const std::string& path, const Node& node)>;

void Render(const Node& node, const std::string& path, const Override& change,
            const std::set<std::string>& dropped, int n, std::string& out) {
  if (auto text = change(path, node)) {
    out += *text;
    return;
  }
  switch (node.kind) {
    case Node::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& c : node.children) {
        const std::string child = path.empty() ? c.key : path + "." + c.key;
        if (dropped.contains(child)) continue;
        out += first ? "" : ",";
        first = false;
        out += JsonString(c.key) + ":";
        Render(c, child, change, dropped, n, out);
      }
      out += '}';
      return;
    }
    case Node::Kind::kArray:
      out += '[';
      Render(node.children[0], path + "[]", change, dropped, n, out);
      out += ']';
      return;
    default: {
      std::string text = node.plausible;
      if (auto at = text.find("{n}"); at != std::string::npos) text.replace(at, 3, Letters(n));
      out += text;
    }
  }
}

std::string RenderBody(const std::vector<Node>& vocabulary, const Override& change,
                       const std::set<std::string>& dropped = {}) {
  static int counter = 0;
  std::string out;
  Render(O("", vocabulary), "", change, dropped, ++counter, out);
  return out;
}

/// The node at `path` ("items[].toppings[].amount"), or null.
const Node* Find(const std::vector<Node>& vocabulary, std::string_view path) {
  const std::vector<Node>* level = &vocabulary;
  const Node* node = nullptr;
  while (!path.empty()) {
    const auto dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    const bool element = key.ends_with("[]");
    if (element) key.remove_suffix(2);
    node = nullptr;
    for (const auto& c : *level) {
      if (c.key == key) node = &c;
    }
    if (!node) return nullptr;
    if (element) node = &node->children[0];
    level = &node->children;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

/// Paths of a node's children ("" = the top level), for the read probes.
std::vector<std::string> ChildPaths(const std::vector<Node>& vocabulary, const std::string& path) {
  const std::vector<Node>* level = &vocabulary;
  std::string prefix;
  if (!path.empty()) {
    const Node* node = Find(vocabulary, path);
    if (!node || node->children.empty()) return {};
    if (node->kind == Node::Kind::kArray) return ChildPaths(vocabulary, path + "[]");
    level = &node->children;
    prefix = path + ".";
  }
  std::vector<std::string> out;
  for (const auto& c : *level) out.push_back(prefix + c.key);
  return out;
}

std::string WrongType(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kText:
      return "12345";
    case Node::Kind::kNumber:
      return R"("12")";
    case Node::Kind::kBool:
      return R"("yes")";
    case Node::Kind::kObject:
      return R"("not-an-object")";
    case Node::Kind::kArray:
      return R"({"not": "an array"})";
  }
  return "null";
}

/// The text a hostile string is made from (unique where the base's value must be unique).
std::string Seed(const Node& node) {
  static int counter = 0;
  std::string seed = node.seed.empty() ? "text" : node.seed;
  if (auto at = seed.find("{n}"); at != std::string::npos)
    seed.replace(at, 3, "m" + Letters(++counter));
  return seed;
}

/// A change of one field of the base: its JSON text, and whether it is invalid for any field of
/// that kind (true) or may be valid for some (false: -1 is a fine longitude).
struct Mutation {
  std::string name, json;
  bool hostile;
};

std::vector<Mutation> Mutations(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kText:
      return {
          {"ends in \\u0000", "\"" + Seed(node) + "\\u0000\"", true},
          {"contains \\u0007 and an ANSI escape", "\"" + Seed(node) + "\\u0007\\u001b[2J\"", true},
          {"10 KB long", JsonString(Seed(node) + std::string(10 * 1024, 'x')), true},
          {"a lone surrogate \\udc00", "\"" + Seed(node) + "\\udc00\"", true},
          {"empty", R"("")", false},
          {"' OR 1=1 --", JsonString("' OR 1=1 --"), false}};
    case Node::Kind::kNumber:
      return {{"9223372036854775807", "9223372036854775807", true},
              {"-9223372036854775808", "-9223372036854775808", true},
              {"10^18", "1000000000000000000", true},
              {"1e400", "1e400", true},
              {"-1", "-1", false},
              {"1e-400", "1e-400", false}};
    case Node::Kind::kBool:
      return {{"null", "null", false}};
    case Node::Kind::kObject:
      return {{"{}", "{}", false}};
    case Node::Kind::kArray:
      return {{"[]", "[]", false}};
  }
  return {};
}

/// Every leaf rendered by `leaf` (text, number, bool leaves); containers kept, or all made scalar.
Override EveryLeaf(std::function<std::string(const Node&)> leaf, bool scalar_containers = false) {
  return [leaf, scalar_containers](const std::string&,
                                   const Node& node) -> std::optional<std::string> {
    if (node.kind == Node::Kind::kObject || node.kind == Node::Kind::kArray) {
      if (scalar_containers && !node.key.empty() && node.key != "[]") return std::string("7");
      return std::nullopt;
    }
    return leaf(node);
  };
}

const char* const kInjections[] = {
    "' OR 1=1 --",      "\"; DROP TABLE customer_accounts; --", "<script>alert(1)</script>",
    "../../etc/passwd", "${jndi:ldap://127.0.0.1/x}",           "%00%27%22",
    "{{7*7}}"};

/// A request variant: what is sent besides the method and path.
struct Variant {
  enum class Kind {
    kBodyRead,    // invalid for any route that reads its body (judged by the malformed-JSON probe)
    kAlways,      // invalid whatever the route (transport: server limits, broken framing)
    kMaybeValid,  // may be a valid request for some routes ({}, an unknown field, injection-looking
                  // text)
  };
  std::string name;
  Kind kind = Kind::kBodyRead;
  std::string content_type = "application/json";
  std::string body;
  std::string query;                                         // appended to the path ("?…")
  std::vector<std::pair<std::string, std::string>> headers;  // extra header lines
  std::string raw_head_suffix;                               // raw header bytes (may break framing)
  bool auto_length = true;                                   // add Content-Length
  bool transport = false;  // refused by the HTTP layer before a route is chosen (any error shape on
                           // the token endpoint)
  bool bad_page = false;   // an invalid limit or cursor: a list route must refuse it
};

std::vector<Variant> BodyVariants(const std::string& store_id) {
  std::vector<Variant> v;
  using K = Variant::Kind;
  // The probe comes first: a route that accepts a malformed JSON body does not read bodies.
  v.push_back({"malformed JSON (probe)", K::kBodyRead, "application/json", R"({"name": "x", )"});
  v.push_back(
      {"truncated string", K::kBodyRead, "application/json", R"({"store_id": "unterminated)"});
  v.push_back({"trailing garbage after the object", K::kBodyRead, "application/json", R"({} })"});
  v.push_back({"top-level array", K::kBodyRead, "application/json", "[]"});
  v.push_back({"top-level string", K::kBodyRead, "application/json", R"("pizza")"});
  v.push_back({"top-level number", K::kBodyRead, "application/json", "42"});
  v.push_back({"top-level null", K::kBodyRead, "application/json", "null"});
  v.push_back({"invalid UTF-8 bytes in a string", K::kBodyRead, "application/json",
               "{\"name\": \"\xff\xfe\xc3\x28\", \"email\": \"\xed\xa0\x80@example.test\"}"});
  v.push_back({"raw NUL byte inside a string", K::kBodyRead, "application/json",
               std::string("{\"name\": \"a\0b\"}", 15)});
  v.push_back(
      {"number beyond a double (1e400)", K::kBodyRead, "application/json",
       R"({"quantity": 1e400, "amount": {"amount": 1e400, "currency": "USD"}, "points": -1e400})"});
  v.push_back({"10 000 nested arrays", K::kBodyRead, "application/json",
               std::string(10000, '[') + std::string(10000, ']')});
  {
    std::string deep;
    for (int i = 0; i < 10000; ++i) deep += "{\"a\":";
    deep += "1" + std::string(10000, '}');
    v.push_back({"10 000 nested objects", K::kBodyRead, "application/json", deep});
  }
  v.push_back(
      {"JSON sent as text/plain", K::kBodyRead, "text/plain", R"({"name": "Hostile Probe"})"});
  v.push_back({"form-encoded with NUL and a repeated key", K::kBodyRead,
               "application/x-www-form-urlencoded",
               "grant_type=password&username=nobody%00%40example.test&password=x&username=again&"
               "refresh_token=%00"});
  // Form-encoded grants that reach the credential checks (the token endpoint's own encoding).
  v.push_back(
      {"form: password grant, username with NUL", K::kBodyRead, "application/x-www-form-urlencoded",
       "grant_type=password&username=customer%40demo.vetahut.test%00&password=wrong-password"});
  v.push_back({"form: password grant, username of invalid UTF-8", K::kBodyRead,
               "application/x-www-form-urlencoded",
               "grant_type=password&username=%FF%FE%40example.test&password=wrong-password"});
  v.push_back({"form: refresh grant, token with NUL and control characters", K::kBodyRead,
               "application/x-www-form-urlencoded",
               "grant_type=refresh_token&refresh_token=rt%00%07%1B"});

  const auto vocabulary = Vocabulary(store_id);
  auto leaves = [&](std::string name, std::function<std::string(const Node&)> leaf,
                    bool scalar_containers = false) {
    v.push_back({std::move(name), K::kBodyRead, "application/json",
                 RenderBody(vocabulary, EveryLeaf(std::move(leaf), scalar_containers))});
  };
  auto text_or = [](const Node& n, std::function<std::string(const Node&)> text,
                    std::string number) {
    return n.kind == Node::Kind::kText     ? text(n)
           : n.kind == Node::Kind::kNumber ? number
                                           : std::string("true");
  };
  leaves("every field the wrong type (strings as numbers, numbers as strings)",
         [](const Node& n) { return WrongType(n); });
  leaves(
      "every object and array a scalar, every string and number a boolean",
      [](const Node& n) {
        return n.kind == Node::Kind::kBool ? std::string("1") : std::string("true");
      },
      true);
  leaves("strings ending in \\u0000, numbers -1", [&](const Node& n) {
    return text_or(
        n, [](const Node& t) { return "\"" + Seed(t) + "\\u0000\""; }, "-1");
  });
  leaves("strings with control characters, numbers 9223372036854775807", [&](const Node& n) {
    return text_or(
        n, [](const Node& t) { return "\"" + Seed(t) + "\\u0007\\u001b[2J\\u007f\""; },
        "9223372036854775807");
  });
  leaves("strings with a lone surrogate \\ud800, numbers -9223372036854775808", [&](const Node& n) {
    return text_or(
        n, [](const Node& t) { return "\"" + Seed(t) + "\\ud800\""; }, "-9223372036854775808");
  });
  leaves("strings of 600 characters, numbers 1e-400", [&](const Node& n) {
    return text_or(
        n, [](const Node& t) { return JsonString(Seed(t) + std::string(600, 'x')); }, "1e-400");
  });
  // These can be valid requests (a route with only optional fields; free text may look like
  // anything): they must not crash anything, and a refusal must change nothing.
  v.push_back({"empty object (every field missing)", K::kMaybeValid, "application/json", "{}"});
  v.push_back(
      {"only unknown fields", K::kMaybeValid, "application/json",
       R"({"zz_unknown_field": true, "__proto__": {"admin": true}, "constructor": {"prototype": {"role": "admin"}}})"});
  {
    int i = 0;
    v.push_back({"injection-looking strings, numbers 1e308", K::kMaybeValid, "application/json",
                 RenderBody(vocabulary, EveryLeaf([&](const Node& n) {
                              return text_or(
                                  n,
                                  [&](const Node&) {
                                    return JsonString(kInjections[i++ % std::size(kInjections)]);
                                  },
                                  "1e308");
                            }))});
  }
  return v;
}

std::vector<Variant> QueryVariants() {
  using K = Variant::Kind;
  std::vector<Variant> v;
  auto q = [&](std::string name, std::string query, bool bad_page = false) {
    Variant o{std::move(name), K::kBodyRead, "", "", std::move(query)};
    o.bad_page = bad_page;
    v.push_back(std::move(o));
  };
  q("limit=-5", "?limit=-5", true);
  q("limit=abc", "?limit=abc", true);
  q("limit=0", "?limit=0", true);
  q("limit=99999999999999999999", "?limit=99999999999999999999", true);
  q("limit=1.5", "?limit=1.5", true);
  q("limit twice", "?limit=1&limit=2");
  q("cursor=' OR 1=1 --", "?cursor=%27%20OR%201%3D1%20--", true);
  q("cursor=%00", "?cursor=%00", true);
  q("cursor=%FF%FE (invalid UTF-8)", "?cursor=%FF%FE", true);
  q("cursor of 10 KB", "?cursor=" + std::string(10240, 'c'), true);
  q("lat=NaN&lon=NaN", "?lat=NaN&lon=NaN");
  q("lat=1e400&lon=-1e400", "?lat=1e400&lon=-1e400");
  q("lat=-91&lon=181", "?lat=-91&lon=181");
  q("lat=inf&lon=-inf&limit=-1", "?lat=inf&lon=-inf&limit=-1", true);
  q("date=2024-02-30&type=<script>", "?date=2024-02-30&type=%3Cscript%3E");
  q("status=' OR 1=1&station=%00", "?status=%27%20OR%201%3D1&station=%00");
  q("locale=../../etc/passwd&format=csv%00", "?locale=..%2F..%2Fetc%2Fpasswd&format=csv%00");
  q("from/to/group_by garbage", "?from=yesterday&to=%FF&group_by=%27&store_id=%00");
  q("bad percent-encoding", "?limit=%zz&cursor=%", true);
  q("open_now=maybe&service=%00", "?open_now=maybe&service=%00");
  q("phone=' OR 1=1 (not E.164)", "?phone=%27%20OR%201%3D1&cashier_id=%00");
  return v;
}

/// Transport-level variants: the server must refuse them (a 4xx problem) whatever the route.
std::vector<Variant> TransportVariants() {
  using K = Variant::Kind;
  std::vector<Variant> v;
  const std::string bad_json = R"({"name": )";
  {
    Variant o{"body of 1 MiB + 1 byte (beyond server.body_limit_bytes)", K::kAlways,
              "application/json"};
    o.body = R"({"name": ")" + std::string((1 << 20) + 1 - 12, 'x') + R"("})";
    v.push_back(o);
  }
  {
    Variant o{"Content-Length: 99999999999 and no body", K::kAlways, "application/json"};
    o.raw_head_suffix = "Content-Length: 99999999999\r\n";
    o.auto_length = false;
    v.push_back(o);
  }
  {
    Variant o{"one header of 20 KB", K::kAlways, "application/json", bad_json};
    o.headers.push_back({"X-Hostile-Padding", std::string(20 * 1024, 'a')});
    v.push_back(o);
  }
  {
    Variant o{"3000 headers", K::kAlways, "application/json", bad_json};
    for (int i = 0; i < 3000; ++i) o.headers.push_back({fmt::format("X-Hostile-{}", i), "v"});
    v.push_back(o);
  }
  {
    Variant o{"Content-Length: abc", K::kAlways, "application/json", bad_json};
    o.raw_head_suffix = "Content-Length: abc\r\n";
    o.auto_length = false;
    v.push_back(o);
  }
  {
    Variant o{"two different Content-Lengths", K::kAlways, "application/json", "{}xx"};
    o.raw_head_suffix = "Content-Length: 2\r\nContent-Length: 4\r\n";
    o.auto_length = false;
    v.push_back(o);
  }
  {
    Variant o{"chunked body with a bad chunk size", K::kAlways, "application/json",
              "zz\r\n{}\r\n0\r\n\r\n"};
    o.raw_head_suffix = "Transfer-Encoding: chunked\r\n";
    o.auto_length = false;
    v.push_back(o);
  }
  {
    Variant o{"control bytes in a header value", K::kBodyRead, "application/json", bad_json};
    o.headers.push_back({"X-Hostile", std::string("a\x01\x7f"
                                                  "b")});
    v.push_back(o);
  }
  {
    Variant o{"bearer token of 10 KB", K::kBodyRead, "application/json", bad_json};
    o.headers.push_back({"Authorization", "Bearer " + std::string(10 * 1024, 'A')});
    v.push_back(o);
  }
  {
    Variant o{"raw invalid UTF-8 and NUL-escape in the query", K::kBodyRead, "application/json",
              bad_json};
    o.query = "?q=\xff\xfe\xc3\x28&x=%00";
    v.push_back(o);
  }
  for (auto& t : v) t.transport = true;
  return v;
}

// ---------------------------------------------------------------------------------------------

struct Route {
  std::string method, pattern, permission;
  std::vector<std::string> params;
  std::string Name() const { return method + " " + pattern; }
};

std::vector<Route> RouteTable() {
  const std::string out_file =
      fs::temp_directory_path() / ("vetahut-hostile-routes-" + RandomSuffix() + ".json");
  // Through a chain, what its front door serves: the gateway's routes (no process's own).
  const std::string command =
      std::string(VETAHUT_BINARY) + " routes --json" + (ChainEngine() ? " --target gateway" : "") + " > " + out_file;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(out_file);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  fs::remove(out_file);
  std::vector<Route> routes;
  const json::value table = json::parse(text);
  for (const auto& r : table.as_array()) {
    Route route{std::string(r.at("method").as_string()),
                std::string(r.at("pattern").as_string()),
                std::string(r.at("permission").as_string()),
                {}};
    for (std::size_t p = route.pattern.find('{'); p != std::string::npos;
         p = route.pattern.find('{', p + 1)) {
      route.params.push_back(route.pattern.substr(p + 1, route.pattern.find('}', p) - p - 1));
    }
    routes.push_back(std::move(route));
  }
  // Deleting routes run last, and those without parameters (DELETE /api/v1/me) at the very end:
  // a route that ignores its body really runs once per caller, and no caller should lose its
  // account before the other routes are walked.
  std::stable_sort(routes.begin(), routes.end(), [](const Route& a, const Route& b) {
    auto rank = [](const Route& r) { return r.method != "DELETE" ? 0 : r.params.empty() ? 2 : 1; };
    return rank(a) < rank(b);
  });
  return routes;
}

struct Caller {
  std::string name;
  std::string authorization;  // "" = none
  bool forged = false;  // a forged token: fewer variants (the edge refuses it before any parsing)
  std::string email, password;  // for signing in again after an accepted logout
};

/// One path filling: a value (as sent in the request target) for every parameter name.
struct Fill {
  std::string name;
  std::function<std::string(const std::string& param)> value;
  bool hostile;
};

class HostileSuite : public OrderFixture {
 protected:
  using Counts = std::vector<std::int64_t>;

  void OpenDatabase() {
    std::string url;
    for (const auto& [k, v] : env_) {
      if (k == "VETAHUT_DB_URL" || k == "VETAHUT_TEST_CHAIN_DB_URL") url = v;
    }
    if (url.empty()) url = "sqlite:" + (data_dir_ / "vetahut.db").string();
    db_ = vetahut::db::Database::Open(url, {.pool_size = 1});
    std::vector<std::string> names;
    if (db_->engine() == vetahut::db::Engine::kSqlite) {
      for (const auto& row : db_->Query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                        "name NOT LIKE 'sqlite_%' ORDER BY name")) {
        tables_.push_back(row.Text(0));
        names.push_back("\"" + row.Text(0) + "\"");
      }
    } else {
      for (const auto& row : db_->Query(
               "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = "
               "'BASE TABLE' "
               "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
        tables_.push_back(row.Text(0) == "public" ? row.Text(1) : row.Text(0) + "." + row.Text(1));
        names.push_back("\"" + row.Text(0) + "\".\"" + row.Text(1) + "\"");
      }
    }
    ASSERT_GT(tables_.size(), 20u) << "the database has too few tables: is it the server's?";
    count_sql_ = "SELECT ";
    for (std::size_t i = 0; i < names.size(); ++i)
      count_sql_ += fmt::format("{}(SELECT count(*) FROM {})", i ? ", " : "", names[i]);
    // Work in flight: outbox rows the relay has not sent, deliveries no consumer has taken yet,
    // messages no sender has sent yet.
    pending_sql_ = "SELECT 0";
    for (std::size_t i = 0; i < tables_.size(); ++i) {
      if (tables_[i].ends_with("_outbox")) {
        ++outboxes_;
        pending_sql_ += " + (SELECT count(*) FROM " + names[i] + " WHERE sent_at IS NULL)";
      } else if (tables_[i].ends_with("bus_queue")) {
        pending_sql_ += " + (SELECT count(*) FROM " + names[i] + " WHERE attempts = 0)";
      } else if (tables_[i].ends_with("notification_deliveries")) {
        // Messages the notification sender has not sent yet (it writes an outbox row when it has).
        pending_sql_ += " + (SELECT count(*) FROM " + names[i] + " WHERE (status = 'queued' AND attempts = 0) OR status = 'sending')";
      }
    }
    ASSERT_GE(outboxes_, 5u) << "no *_outbox tables found";
  }

  Counts Snapshot() {
    Counts c;
    const auto rows = db_->Query(count_sql_);
    for (std::size_t i = 0; i < tables_.size(); ++i) c.push_back(rows[0].Int(i));
    return c;
  }

  /// Tables whose row counts may change on a refused request, each with the reason.
  static const std::map<std::string, std::string>& Legitimate() {
    static const std::map<std::string, std::string> tables = {
        {"customer_login_throttle",
         "login throttling records failed sign-ins, which are refused requests by design"},
    };
    return tables;
  }

  /// "table 3→4, other 0→1" for tables that changed and may not.
  std::string Changed(const Counts& before, const Counts& after) {
    std::string out;
    for (std::size_t i = 0; i < tables_.size(); ++i) {
      if (before[i] == after[i] || Legitimate().contains(tables_[i])) continue;
      out += fmt::format("{}{} {}→{}", out.empty() ? "" : ", ", tables_[i], before[i], after[i]);
    }
    return out;
  }

  /// Waits until the platform is idle — no event waiting for the relay or a consumer, and no
  /// count moving for 10 ms — and returns the counts (the events of an accepted request reach
  /// their consumers before the next request is judged).
  Counts Quiet() {
    const auto deadline = Clock::now() + std::chrono::seconds(ChainEngine() ? 15 : 5);
    Counts last = Snapshot();
    while (Clock::now() < deadline) {
      if (db_->Query(pending_sql_)[0].Int(0) != 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        last = Snapshot();
        continue;
      }
      // Through a chain, events in flight sit in RabbitMQ, where no count sees them: only a longer
      // stillness says the other processes are done.
      std::this_thread::sleep_for(std::chrono::milliseconds(ChainEngine() ? 300 : 10));
      Counts now = Snapshot();
      if (now == last && db_->Query(pending_sql_)[0].Int(0) == 0) return now;
      last = std::move(now);
    }
    return last;
  }

  std::string BuildRequest(const std::string& method, const std::string& target,
                           const Caller& caller, const Variant& v) {
    std::string req = method + " " + target + v.query + " HTTP/1.1\r\nHost: " + host_ +
                      "\r\nConnection: close\r\nAccept: */*\r\n";
    bool has_authorization = false;
    for (const auto& [k, val] : v.headers) has_authorization |= Lower(k) == "authorization";
    if (!caller.authorization.empty() && !has_authorization)
      req += "Authorization: " + caller.authorization + "\r\n";
    if (!v.content_type.empty() && (!v.body.empty() || !v.auto_length))
      req += "Content-Type: " + v.content_type + "\r\n";
    for (const auto& [k, val] : v.headers) req += k + ": " + val + "\r\n";
    // A fresh key on every write: routes that require one reach their validation, no replay.
    if (method != "GET")
      req += fmt::format("Idempotency-Key: hostile-{}-{}\r\n", RandomSuffix(), requests_);
    req += v.raw_head_suffix;
    if (v.auto_length &&
        (!v.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
      req += fmt::format("Content-Length: {}\r\n", v.body.size());
    }
    return req + "\r\n" + v.body;
  }

  struct Finding {
    std::string kind, route, caller, variant, target;
    int status;
    std::string detail;
  };

  void Record(std::string kind, const Route& route, const Caller& caller,
              const std::string& variant, const std::string& target, const Reply& r,
              std::string detail) {
    const std::string line =
        fmt::format("[{}] {} | caller: {} | variant: {} | target: {} | status: {} | {}", kind,
                    route.Name(), caller.name, variant, Preview(target, 120), r.status, detail);
    ADD_FAILURE() << line;
    findings_.push_back(
        {std::move(kind), route.Name(), caller.name, variant, target, r.status, std::move(detail)});
  }

  /// The error shape: problem+json with `status` = the HTTP status and a non-empty `instance`; on
  /// the token endpoint RFC 6749 JSON with Cache-Control: no-store — except for what the HTTP layer
  /// refuses before any route is chosen (broken framing, 413, 431), which is problem+json there
  /// too.
  std::string ShapeProblem(const Route& route, const Reply& r, bool transport) const {
    const std::string type = r.Header("content-type").value_or("");
    boost::system::error_code ec;
    const json::value body = json::parse(r.body, ec);
    const bool token_route = route.method == "POST" && route.pattern == "/api/v1/auth/token";
    if (token_route && !(transport && type == "application/problem+json")) {
      if (!type.starts_with("application/json"))
        return "token endpoint error is not application/json but '" + type + "'";
      if (ec || !body.is_object()) return "token endpoint error body is not a JSON object";
      const auto& o = body.as_object();
      if (!o.contains("error") || !o.at("error").is_string() || o.at("error").as_string().empty())
        return "no RFC 6749 \"error\" member";
      if (o.contains("error_description") && !o.at("error_description").is_string())
        return "error_description is not a string";
      if (r.Header("cache-control").value_or("").find("no-store") == std::string::npos)
        return "no Cache-Control: no-store";
      return "";
    }
    if (type != "application/problem+json")
      return "Content-Type is '" + type + "', not application/problem+json";
    if (ec || !body.is_object())
      return "the problem body is not a JSON object" + (ec ? ": " + ec.message() : std::string());
    const auto& o = body.as_object();
    if (!o.contains("status") || !o.at("status").is_int64() ||
        o.at("status").as_int64() != r.status) {
      return "problem `status` does not equal the HTTP status";
    }
    if (!o.contains("instance") || !o.at("instance").is_string() ||
        o.at("instance").as_string().empty())
      return "problem `instance` is empty";
    if (!o.contains("type") || !o.at("type").is_string() || !o.contains("title"))
      return "problem lacks type/title";
    return "";
  }

  /// Sends one request and judges the answer: never a 5xx; errors in the error shape; a non-GET
  /// route refuses a `hostile` request; a refused request (and any GET) changes no row count.
  Reply Try(const Route& route, const Caller& caller, const std::string& target, const Variant& v,
            bool hostile) {
    if (dead_) return Reply{.failure = "the server is gone"};
    auto t0 = Clock::now();
    const Reply r = Exchange(port_, BuildRequest(route.method, target, caller, v));
    exchange_time_ += Clock::now() - t0;
    ++requests_;
    const std::string body_head = "body: " + Preview(r.body);
    const bool get = route.method == "GET";
    if (!r.failure.empty()) {
      if (!serve_->Alive()) {
        const std::string log = serve_->Log();
        ADD_FAILURE() << "the server died at " << route.Name() << " | caller: " << caller.name
                      << " | variant: " << v.name << " | target: " << Preview(target, 120) << " | "
                      << ExitText(serve_->Kill(SIGKILL)) << "; end of its log:\n"
                      << log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
        dead_ = true;
        return r;
      }
      Record("no response", route, caller, v.name, target, r, r.failure);
      baseline_ = Quiet();
      return r;
    }
    if (r.status >= 500) {
      Record("5xx", route, caller, v.name, target, r, body_head);
    } else if (r.status >= 400) {
      if (auto problem = ShapeProblem(route, r, v.transport); !problem.empty()) {
        Record("error shape", route, caller, v.name, target, r, problem + "; " + body_head);
      }
    }
    if (get) {  // a GET changes nothing whatever it answers: judged per batch by FlushGets
      gets_.push_back(fmt::format("{} → {}", v.name, r.status));
      return r;
    }
    const bool accepted = r.status < 400;
    t0 = Clock::now();
    Counts now = accepted ? Quiet() : Snapshot();
    snapshot_time_ += Clock::now() - t0;
    const std::string changed = Changed(baseline_, now);
    if (accepted && hostile) {
      Record("accepted hostile input", route, caller, v.name, target, r,
             "a success to an invalid request" +
                 (changed.empty() ? std::string() : "; row counts moved: " + changed) + "; " +
                 body_head);
    } else if (!accepted && !changed.empty()) {
      Record("changed state", route, caller, v.name, target, r,
             "refused, yet row counts moved: " + changed + "; " + body_head);
      now = Quiet();
    }
    baseline_ = std::move(now);
    if (accepted && !caller.email.empty()) {
      t0 = Clock::now();
      KeepSignedIn(route, caller);
      signin_time_ += Clock::now() - t0;
    }
    return r;
  }

  /// Row counts after the GETs sent since the last check: a GET never changes anything.
  void FlushGets(const Route& route, const std::string& who) {
    if (gets_.empty()) return;
    const auto t0 = Clock::now();
    Counts now = Snapshot();
    snapshot_time_ += Clock::now() - t0;
    if (auto changed = Changed(baseline_, now); !changed.empty()) {
      Reply none;
      Record("changed state", route, Caller{who},
             fmt::format("one of {} GETs: {}", gets_.size(), fmt::join(gets_, "; ")), route.pattern,
             none, "row counts moved: " + changed);
      now = Quiet();
    }
    baseline_ = std::move(now);
    gets_.clear();
  }

  /// After an accepted request (a logout, say) the caller's token may be revoked: sign in again.
  void KeepSignedIn(const Route& route, const Caller& caller) {
    const Reply me =
        Exchange(port_,
                 "GET /api/v1/me HTTP/1.1\r\nHost: " + host_ +
                     "\r\nConnection: close\r\nAuthorization: " + caller.authorization + "\r\n\r\n",
                 "127.0.0.1");
    if (me.status != 401) return;  // 200, or 403 for staff: the token still authenticates
    auto sign_in = [&] {
      return client_.Post(
          url_ + "/api/v1/auth/token",
          "grant_type=password&username=" + caller.email + "&password=" + caller.password,
          {{"Content-Type", "application/x-www-form-urlencoded"}});
    };
    auto r = sign_in();
    for (int attempt = 0; attempt < 3 && r && r->status == 429; ++attempt) {
      // Login throttling (the hostile client's failed sign-ins come from another address, but a
      // lock on this one must only delay the walk): wait as told, then sign in again.
      const int wait =
          std::clamp(std::atoi(std::string(r->Header("retry-after").value_or("1")).c_str()), 1, 5);
      std::this_thread::sleep_for(std::chrono::seconds(wait));
      r = sign_in();
    }
    for (auto& c : callers_) {
      if (c.name != caller.name) continue;
      if (r && r->status == 200) {
        c.authorization =
            "Bearer " + std::string(json::parse(r->body).at("access_token").as_string());
      } else {
        lost_.insert(c.name);
        if (!(route.method == "DELETE" && route.params.empty())) {
          ADD_FAILURE() << c.name << " can no longer sign in after " << route.Name()
                        << " accepted a request; the rest of the walk would not use it: "
                        << (r ? r->body : r.error().detail);
        }
      }
    }
    baseline_ = Quiet();
  }

  std::string Target(const Route& route, const Fill& fill) const {
    std::string out = route.pattern;
    for (const auto& p : route.params) {
      const std::string key = "{" + p + "}";
      out.replace(out.find(key), key.size(), fill.value(p));
    }
    return out;
  }

  /// A collection of resources: a 200 JSON object of one array member whose elements carry an
  /// `id` (and `next_cursor`, if it pages). A GET whose pattern also takes a PUT returns a
  /// document replaced whole (a store's zones), not a collection.
  bool IsList(const Route& route, const Reply& r) const {
    if (r.status != 200 || r.stream || put_patterns_.contains(route.pattern)) return false;
    boost::system::error_code ec;
    const json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return false;
    std::size_t arrays = 0;
    for (const auto& [k, m] : v.as_object()) {
      if (m.is_array()) {
        ++arrays;
        for (const auto& e : m.as_array()) {
          if (!e.is_object() || !e.as_object().contains("id")) return false;
        }
      } else if (k != "next_cursor") {
        return false;
      }
    }
    return arrays == 1;
  }

  /// The top-level fields a 400/422 problem names ("items[0].size" → "items").
  static std::set<std::string> NamedFields(const std::string& body) {
    std::set<std::string> out;
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("errors") || !v.at("errors").is_array())
      return out;
    for (const auto& e : v.at("errors").as_array()) {
      if (!e.is_object() || !e.as_object().contains("field") || !e.at("field").is_string())
        continue;
      const std::string field(e.at("field").as_string());
      out.insert(field.substr(0, field.find_first_of(".[")));
    }
    return out;
  }

  /// Finds which of `group` the route reads: wrong types for a group the route accepts are
  /// fields it ignores; a refused group is split until single fields remain.
  void FindRead(const Route& route, const Caller& caller, const std::string& target,
                const std::set<std::string>& dropped, const std::vector<std::string>& group,
                std::vector<std::string>& read) {
    if (group.empty()) return;
    const std::set<std::string> wrong(group.begin(), group.end());
    Variant probe{group.size() == 1
                      ? "read probe: " + group[0] + " of the wrong type"
                      : fmt::format("read probe: {} fields of the wrong type", group.size()),
                  Variant::Kind::kMaybeValid, "application/json",
                  RenderBody(
                      vocabulary_,
                      [&](const std::string& path, const Node& node) -> std::optional<std::string> {
                        if (wrong.contains(path)) return WrongType(node);
                        return std::nullopt;
                      },
                      dropped)};
    const Reply r = Try(route, caller, target, probe, false);
    if (!r.failure.empty() || r.status < 400) return;  // none of them is read
    if (group.size() == 1) {
      read.push_back(group[0]);
      return;
    }
    const auto middle = group.begin() + static_cast<std::ptrdiff_t>(group.size() / 2);
    FindRead(route, caller, target, dropped, {group.begin(), middle}, read);
    FindRead(route, caller, target, dropped, {middle, group.end()}, read);
  }

  /// Single-field mutations of the plausible base, for the first caller whose base the route
  /// accepts (fields the route rejects by name are dropped from the base first).
  void FieldPhase(const Route& route, const std::string& target) {
    for (std::size_t c : {std::size_t{1}, std::size_t{2}, std::size_t{0}}) {
      if (lost_.contains(callers_[c].name)) continue;
      std::set<std::string> dropped;
      bool accepted = false;
      for (int round = 0; round < 5 && !accepted; ++round) {
        Variant base{dropped.empty()
                         ? "plausible base"
                         : fmt::format("plausible base without {}", fmt::join(dropped, ", ")),
                     Variant::Kind::kMaybeValid, "application/json",
                     RenderBody(
                         vocabulary_, [](auto&, auto&) { return std::nullopt; }, dropped)};
        const Reply r = Try(route, callers_[c], target, base, false);
        if (r.failure.empty() && r.status < 400) {
          accepted = true;
        } else {
          if (r.status != 400 && r.status != 422) break;
          const auto before = dropped.size();
          for (const auto& f : NamedFields(r.body)) {
            if (Find(vocabulary_, f)) dropped.insert(f);
          }
          if (dropped.size() == before) break;
        }
      }
      if (!accepted) continue;
      std::vector<std::string> top, read;
      for (const auto& p : ChildPaths(vocabulary_, "")) {
        if (!dropped.contains(p)) top.push_back(p);
      }
      FindRead(route, callers_[c], target, dropped, top, read);
      for (std::size_t i = 0; i < read.size(); ++i) {  // into the containers read
        const Node* node = Find(vocabulary_, read[i]);
        if (node->kind == Node::Kind::kArray && node->children[0].kind != Node::Kind::kObject) {
          read.push_back(read[i] + "[]");
        } else if (node->kind == Node::Kind::kObject || node->kind == Node::Kind::kArray) {
          FindRead(route, callers_[c], target, dropped, ChildPaths(vocabulary_, read[i]), read);
        }
      }
      // The probes tell something only if the base is still accepted (no state got in the way).
      const Reply again =
          Try(route, callers_[c], target,
              {"plausible base, again", Variant::Kind::kMaybeValid, "application/json",
               RenderBody(
                   vocabulary_, [](auto&, auto&) { return std::nullopt; }, dropped)},
              false);
      if (!again.failure.empty() || again.status >= 400) {
        field_notes_.push_back(fmt::format(
            "{} ({}): the base is refused after the read probes ({}), no single-field mutations",
            route.Name(), callers_[c].name, again.status));
        return;
      }
      std::size_t mutations = 0;
      for (const auto& path : read) {
        const Node* node = Find(vocabulary_, path);
        for (const auto& m : Mutations(*node)) {
          if (lost_.contains(callers_[c].name)) return;
          Variant v{"field " + path + " " + m.name,
                    m.hostile ? Variant::Kind::kBodyRead : Variant::Kind::kMaybeValid,
                    "application/json",
                    RenderBody(
                        vocabulary_,
                        [&](const std::string& p, const Node&) -> std::optional<std::string> {
                          if (p == path) return m.json;
                          return std::nullopt;
                        },
                        dropped)};
          Try(route, callers_[c], target, v, m.hostile);
          ++mutations;
        }
      }
      field_notes_.push_back(fmt::format(
          "{} ({}): reads {}; {} single-field mutations{}", route.Name(), callers_[c].name,
          read.empty() ? "none of the vocabulary" : fmt::format("{}", fmt::join(read, " ")),
          mutations,
          dropped.empty() ? "" : fmt::format(" (base without {})", fmt::join(dropped, ", "))));
      return;
    }
  }

  /// Walks one route: for every path filling and caller the body (or, for a GET, query) variants,
  /// then the transport-level variants.
  void Walk(const Route& route, const std::vector<Variant>& body_variants,
            const std::vector<Variant>& query_variants,
            const std::vector<Variant>& transport_variants) {
    const bool get = route.method == "GET";
    if (std::find(route.params.begin(), route.params.end(), "order_id") != route.params.end() &&
        !lost_.contains(callers_[1].name)) {
      // A route of an order gets a live one: an earlier route may have cancelled the last.
      const std::vector<Header> customer = {{"Authorization", callers_[1].authorization},
                                            {"Content-Type", "application/json"}};
      const auto order = client_.Get(url_ + "/api/v1/orders/" + real_.at("order_id"), customer);
      if (!order || order->status != 200 || json::parse(order->body).at("status") != "confirmed") {
        auto fresh = Place(OrderBody(R"({"method": "pay_at_store"})"),
                           "hostile-order-" + RandomSuffix(), &customer);
        ASSERT_TRUE(fresh && fresh->status == 201) << "a fresh order for " << route.Name() << ": "
                                                   << (fresh ? fresh->body : fresh.error().detail);
        real_["order_id"] = std::string(json::parse(fresh->body).at("id").as_string());
        baseline_ = Quiet();
      }
    }
    std::vector<Fill> fills;
    fills.push_back({"real ids",
                     [&](const std::string& p) {
                       return real_.contains(p) ? real_.at(p) : std::string("zz9-unknown-0001");
                     },
                     false});
    if (!route.params.empty()) {
      const std::vector<std::pair<std::string, std::string>> hostile = {
          {"unknown id", "zz9-unknown-0002"},
          {"' OR 1=1 --", "%27%20OR%201%3D1%20--"},
          {"../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"},
          {"%00", "%00"},
          {"%FF%FE (invalid UTF-8)", "%FF%FE"},
          {"10 KB id", std::string(10 * 1024, 'a')},
      };
      for (const auto& [name, value] : hostile)
        fills.push_back({name, [value](const std::string&) { return value; }, true});
      const bool some_real = std::any_of(route.params.begin(), route.params.end(),
                                         [&](const auto& p) { return real_.contains(p); });
      if (some_real && route.params.size() > 1) {
        fills.push_back({"real store/order, other ids ' OR 1=1 --",
                         [&](const std::string& p) {
                           return real_.contains(p) ? real_.at(p)
                                                    : std::string("%27%20OR%201%3D1%20--");
                         },
                         true});
      }
    }

    bool reads_body =
        true;  // as the anonymous caller found; transport variants carry a malformed body
    for (const auto& fill : fills) {
      const std::string target = Target(route, fill);
      for (std::size_t c = 0; c < callers_.size(); ++c) {
        // By index: an accepted logout makes KeepSignedIn replace the caller's token.
        const auto caller = [&]() -> const Caller& { return callers_[c]; };
        if (lost_.contains(caller().name)) continue;
        if (fill.hostile) {
          // An unknown or malformed id: refused whatever the body (one body per caller).
          if (caller().forged && fill.name != "unknown id") continue;
          Variant v =
              get ? Variant{"no body"}
                  : Variant{"empty object", Variant::Kind::kMaybeValid, "application/json", "{}"};
          v.name = "path " + fill.name + " + " + v.name;
          const Reply r = Try(route, caller(), target, v, true);
          if (get && r.failure.empty() && r.status < 300)
            observations_.insert(fmt::format("{} answers {} for the id '{}' ({})", route.Name(),
                                             r.status, Preview(fill.name, 40), caller().name));
          FlushGets(route, caller().name);
          continue;
        }
        if (get) {
          Variant plain{"no query, malformed JSON body", Variant::Kind::kBodyRead,
                        "application/json", "{\"a\":"};
          const bool list = IsList(route, Try(route, caller(), target, plain, false));
          if (list) lists_.insert(route.Name());
          std::size_t n = 0;
          for (const auto& v : query_variants) {
            if (caller().forged && n++ >= 2) break;
            const Reply r = Try(route, caller(), target, v, false);
            if (list && v.bad_page && r.failure.empty() && r.status < 400) {
              Record("list ignores a bad limit/cursor", route, caller(), v.name, target + v.query,
                     r,
                     "a collection (API.md: list endpoints paginate with ?limit=&cursor=) answered "
                     "success; body: " +
                         Preview(r.body));
            }
          }
          FlushGets(route, caller().name);
          continue;
        }
        bool caller_reads_body = true;
        std::size_t n = 0;
        for (const auto& v : body_variants) {
          if (caller().forged && n++ >= 3 && v.kind != Variant::Kind::kMaybeValid) continue;
          if (lost_.contains(caller().name)) break;
          const bool probe = &v == &body_variants.front();
          // The probe judges the route: a route that accepts a malformed JSON body does not read
          // one, so its other body variants are not invalid requests for it (and would only
          // repeat the action).
          const bool hostile = !probe && v.kind == Variant::Kind::kBodyRead;
          const Reply r = Try(route, caller(), target, v, hostile);
          if (probe && r.failure.empty() && r.status < 400) {
            caller_reads_body = false;
            ignoring_body_.insert(route.Name() + " (" + caller().name + ")");
            break;
          }
        }
        if (c == 0) reads_body = caller_reads_body;
      }
    }

    if (!get) FieldPhase(route, Target(route, fills[0]));

    // Transport-level variants once per route, as the anonymous caller on the real ids (413 and
    // 431 come before authentication; the others carry a malformed JSON body).
    for (const auto& v : transport_variants) {
      const bool hostile = v.kind == Variant::Kind::kAlways || (!get && reads_body);
      Try(route, callers_[0], Target(route, fills[0]), v, hostile);
    }
    FlushGets(route, callers_[0].name);
  }

  std::vector<Caller> callers_;
  std::map<std::string, std::string> real_;
  std::set<std::string> lost_, ignoring_body_, lists_, put_patterns_, observations_;
  std::map<std::string, Clock::duration> route_time_;
  std::vector<Node> vocabulary_;
  std::vector<std::string> field_notes_;
  std::string pending_sql_;
  std::unique_ptr<vetahut::db::Database> db_;
  std::vector<std::string> tables_;
  std::size_t outboxes_ = 0;
  std::string count_sql_;
  Counts baseline_;
  std::vector<Finding> findings_;
  std::vector<std::string> gets_;
  ServeProcess* serve_ = nullptr;
  bool dead_ = false;
  std::size_t requests_ = 0;
  Clock::duration exchange_time_{}, snapshot_time_{}, signin_time_{};
  int port_ = 0;
  std::string host_;
};

TEST_F(HostileSuite, EveryRouteRefusesHostileInputWithAProblemAndChangesNothing) {
  const auto started = Clock::now();
  env_.push_back(
      {"VETAHUT_BUS_RELAY_INTERVAL_MS", "5"});  // events settle quickly after an accepted request
  // The setup order's ticket waits through the whole walk (minutes through a chain): its promise
  // must not move on its own meanwhile, or the kitchen's notice of it looks like a changed state.
  env_.push_back({"VETAHUT_KITCHEN_PROMISE_STEP_SECONDS", "3600"});
  ServeProcess serve(data_dir_, env_, {"--demo"});
  serve_ = &serve;
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  host_ = url_.substr(url_.find("//") + 2);
  port_ = std::stoi(host_.substr(host_.rfind(':') + 1));

  // A real order of the demo customer (in the fixture's 24/7 store), and the demo admin.
  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "hostile-setup-order");
  ASSERT_FALSE(order.empty());
  const std::string admin_token =
      TokenFor(url_, "admin%40demo.vetahut.test", "demo-admin-password");
  ASSERT_FALSE(admin_token.empty());
  auto stores = client_.Get(url_ + "/api/v1/stores?limit=50");
  ASSERT_TRUE(stores && stores->status == 200);
  std::string demo_store;
  const json::value store_list = json::parse(stores->body);
  for (const auto& s : store_list.at("items").as_array()) {
    if (s.at("name").as_string() == "Veta Hut Midtown")
      demo_store = std::string(s.at("id").as_string());
  }
  ASSERT_FALSE(demo_store.empty()) << stores->body;
  // Real values for the parameters we have one for; any other parameter gets an unknown id.
  real_ = {{"store_id", demo_store},
           {"order_id", std::string(order.at("id").as_string())},
           {"customer_id", customer_id_},
           {"item_id", "cheese_pizza"},
           {"market", "USD"},
           {"provider", "sandbox"}};

  // Forged tokens: garbled, alg "none", a valid customer token whose payload now claims admin
  // (signature kept), and an expired-looking well-formed token with a random signature.
  const std::string customer_token = customer_[0].value.substr(7);
  const auto dot1 = customer_token.find('.'), dot2 = customer_token.rfind('.');
  json::object claims =
      json::parse(FromBase64Url(customer_token.substr(dot1 + 1, dot2 - dot1 - 1))).as_object();
  claims["roles"] = json::parse(R"(["admin"])");
  const std::string escalated = Base64Url(json::serialize(claims));
  json::object expired = claims;
  expired["exp"] = 1000000000;
  expired["iat"] = 999999000;
  expired["nbf"] = 999999000;
  const std::string header = customer_token.substr(0, dot1);
  callers_ = {
      {"anonymous", ""},
      {"demo customer", customer_[0].value, false, "customer%40demo.vetahut.test",
       "demo-customer-password"},
      {"demo admin", "Bearer " + admin_token, false, "admin%40demo.vetahut.test",
       "demo-admin-password"},
      {"garbled bearer", "Bearer %%%not.a.jwt%%%", true},
      {"alg=none token claiming admin",
       "Bearer " + Base64Url(R"({"alg":"none","typ":"JWT"})") + "." + escalated + ".", true},
      {"customer token re-signed as admin (signature kept)",
       "Bearer " + header + "." + escalated + "." + customer_token.substr(dot2 + 1), true},
      {"expired-looking token with a random signature",
       "Bearer " + header + "." + Base64Url(json::serialize(expired)) + "." +
           Base64Url(std::string(64, '\x5a')),
       true},
  };

  OpenDatabase();
  if (HasFatalFailure()) return;
  const auto routes = RouteTable();
  ASSERT_GT(routes.size(), 40u);
  for (const auto& r : routes) {
    if (r.method == "PUT") put_patterns_.insert(r.pattern);
  }
  // Bodies name the fixture's 24/7 store (the path's real store is the demo store): a plausible
  // order is then one the platform can accept at any hour.
  vocabulary_ = Vocabulary(store_);
  const auto body_variants = BodyVariants(store_);
  const auto query_variants = QueryVariants();
  const auto transport_variants = TransportVariants();
  baseline_ = Quiet();
  const auto walk_started = Clock::now();
  for (const auto& route : routes) {
    if (dead_) break;
    const auto t0 = Clock::now();
    Walk(route, body_variants, query_variants, transport_variants);
    route_time_[route.Name()] = Clock::now() - t0;
  }
  const auto walked =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - walk_started);

  ASSERT_FALSE(dead_);
  // Still serving, and a clean exit on SIGTERM; no sanitizer report in the log (asan build).
  auto ready = client_.Get(url_ + "/readyz");
  ASSERT_TRUE(ready) << ready.error().detail;
  EXPECT_EQ(ready->status, 200) << ready->body;
  const int status = serve.Kill(SIGTERM);
  const std::string log = serve.Log();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "on SIGTERM: " << ExitText(status) << "; end of the log:\n"
      << log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
  for (const char* report : {"runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer"}) {
    const auto at = log.find(report);
    EXPECT_EQ(at, std::string::npos) << "the server's log has a sanitizer report:\n"
                                     << log.substr(at == std::string::npos ? 0 : at, 4000);
  }

  std::map<std::string, std::size_t> by_kind;
  std::map<std::string, std::size_t> by_route;
  for (const auto& f : findings_) {
    ++by_kind[f.kind];
    ++by_route[f.route];
  }
  std::string summary = fmt::format(
      "{} routes, {} callers, {} requests, walk {} ms, whole test {} ms; {} tables ({} outboxes) "
      "watched\n",
      routes.size(), callers_.size(), requests_, walked.count(),
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count(),
      tables_.size(), outboxes_);
  summary += fmt::format(
      "  time in exchanges {} ms, in row counts (and waits after accepted requests) {} ms, in "
      "checks of sign-ins {} ms\n",
      std::chrono::duration_cast<std::chrono::milliseconds>(exchange_time_).count(),
      std::chrono::duration_cast<std::chrono::milliseconds>(snapshot_time_).count(),
      std::chrono::duration_cast<std::chrono::milliseconds>(signin_time_).count());
  for (const auto& [kind, n] : by_kind) summary += fmt::format("  {:>5}  {}\n", n, kind);
  for (const auto& [route, n] : by_route) summary += fmt::format("  {:>5}  {}\n", n, route);
  for (const auto& [route, t] : route_time_) {
    if (t > std::chrono::milliseconds(700))
      summary +=
          fmt::format("  {:>6} ms  {}\n",
                      std::chrono::duration_cast<std::chrono::milliseconds>(t).count(), route);
  }
  summary +=
      fmt::format("  collections (judged for ?limit=&cursor=): {}\n", fmt::join(lists_, ", "));
  for (const auto& n : field_notes_) summary += "  " + n + "\n";
  for (const auto& o : observations_) summary += "  (GET success is allowed) " + o + "\n";
  for (const auto& r : ignoring_body_)
    summary += "  ignores its body (a malformed JSON body was accepted): " + r + "\n";
  std::cout << summary;
}

}  // namespace
