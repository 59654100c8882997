#include "lib/http/router.hpp"

#include <array>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "lib/core/text_rules.hpp"

namespace vetahut::http {

namespace {
constexpr std::size_t kMethodCount = 7;

std::size_t Index(Method m) { return static_cast<std::size_t>(m); }

bool IsParamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits "/a/b" into {"a","b"}; "/" into {}; "/a/" into {"a",""} (so it never matches "/a").
template <class F>
bool ForEachSegment(std::string_view path, F&& f) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() == 1) return true;
  std::string_view rest = path.substr(1);
  while (true) {
    std::size_t slash = rest.find('/');
    if (!f(rest.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    rest = rest.substr(slash + 1);
  }
}

/// Path parameters and query parameters are text, as every string of a JSON body is: bytes that
/// are not UTF-8 after percent-decoding are a malformed request (400), a control character (NUL,
/// ESC, C1 …) is an invalid one (422), each naming the parameter. Checked before any handler runs,
/// so no id or query value reaches a database that would refuse it (PostgreSQL: SQLSTATE 22021)
/// or cut it short at a NUL.
std::optional<core::Error> CheckParameters(const Request& request) {
  core::FieldErrors malformed, invalid;
  auto check = [&](const std::string& name, const std::string& value) {
    const bool plain_name = core::IsValidUtf8(name) && !core::FindControlCharacter(name, false);
    std::string field = plain_name ? name : std::string("query");  // a name that cannot be shown
    if (!core::IsValidUtf8(value)) {
      malformed.Add(std::move(field), "must be UTF-8 text (percent-encoded UTF-8 bytes)");
    } else if (core::FindControlCharacter(value, false)) {
      invalid.Add(std::move(field), "must not contain control characters");
    }
  };
  for (const auto& [name, value] : request.path_params) check(name, value);
  std::string_view rest = request.query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string name = PercentDecode(pair.substr(0, eq), true);
    check(name, name);
    if (eq != std::string_view::npos) check(name, PercentDecode(pair.substr(eq + 1), true));
  }
  if (!malformed.empty()) {
    return core::Error{core::ErrorCode::kBadRequest, "A path or query parameter is not UTF-8 text.", malformed.list()};
  }
  if (!invalid.empty()) return invalid.ToError();
  return std::nullopt;
}

core::Result<Response> RunHandler(const Handler& handler, Request& request) {
  if (auto error = CheckParameters(request)) return core::Fail(std::move(*error));
  return handler(request);
}
}  // namespace

struct Router::Route {
  RouteInfo info;
  Handler handler;
  std::vector<std::string> param_names;
};

struct Router::Node {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Node>, Hash, std::equal_to<>> literals;
  std::unique_ptr<Node> param;
  std::array<const Route*, kMethodCount> routes{};
  bool HasRoutes() const {
    for (const Route* r : routes) {
      if (r != nullptr) return true;
    }
    return false;
  }
};

struct Router::ChainContext {
  const Router* router;
  const Handler* handler;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  if (!handler) throw std::invalid_argument(fmt::format("route {}: empty handler", pattern));
  auto route = std::make_unique<Route>();
  Node* node = root_.get();
  bool ok = ForEachSegment(pattern, [&](std::string_view segment) {
    if (segment.empty()) return false;
    if (segment.front() == '{') {
      if (segment.size() < 3 || segment.back() != '}') return false;
      std::string_view name = segment.substr(1, segment.size() - 2);
      for (char c : name) {
        if (!IsParamNameChar(c)) return false;
      }
      for (const auto& existing : route->param_names) {
        if (existing == name) return false;
      }
      route->param_names.emplace_back(name);
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      return true;
    }
    for (char c : segment) {
      if (c == '{' || c == '}' || c == '?' || c == '#') return false;
    }
    auto& child = node->literals[std::string(segment)];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
    return true;
  });
  if (!ok) throw std::invalid_argument(fmt::format("bad route pattern '{}'", pattern));
  if (node->routes[Index(method)] != nullptr) {
    throw std::invalid_argument(fmt::format("duplicate route {} {} (conflicts with {})",
                                            MethodName(method), pattern,
                                            node->routes[Index(method)]->info.pattern));
  }
  route->info = RouteInfo{method, std::move(pattern), std::move(options.permission),
                          options.non_blocking};
  route->handler = std::move(handler);
  node->routes[Index(method)] = route.get();
  routes_.push_back(std::move(route));
}

void Router::Get(std::string p, Handler h, RouteOptions o) {
  Add(Method::kGet, std::move(p), std::move(h), std::move(o));
}
void Router::Post(std::string p, Handler h, RouteOptions o) {
  Add(Method::kPost, std::move(p), std::move(h), std::move(o));
}
void Router::Put(std::string p, Handler h, RouteOptions o) {
  Add(Method::kPut, std::move(p), std::move(h), std::move(o));
}
void Router::Patch(std::string p, Handler h, RouteOptions o) {
  Add(Method::kPatch, std::move(p), std::move(h), std::move(o));
}
void Router::Delete(std::string p, Handler h, RouteOptions o) {
  Add(Method::kDelete, std::move(p), std::move(h), std::move(o));
}

void Router::Use(Middleware middleware) { middleware_.push_back(std::move(middleware)); }

// Depth-first with backtracking: a literal child is tried before the parameter child, so
// "/stores/near" wins over "/stores/{id}" but "/stores/near/menu" can still reach
// "/stores/{id}/menu" when no literal route continues that way.
const Router::Node* Router::Walk(std::string_view path,
                                 std::vector<std::string_view>& values) const {
  if (path.empty() || path.front() != '/') return nullptr;
  struct Search {
    std::vector<std::string_view>& values;
    // `rest` is the path after a '/', nullopt once every segment is consumed.
    const Node* Run(const Node* node, std::optional<std::string_view> rest) {
      if (!rest) return node->HasRoutes() ? node : nullptr;
      std::size_t slash = rest->find('/');
      std::string_view seg = rest->substr(0, slash);
      std::optional<std::string_view> next;
      if (slash != std::string_view::npos) next = rest->substr(slash + 1);
      if (seg.empty()) return nullptr;
      auto it = node->literals.find(seg);
      if (it != node->literals.end()) {
        if (const Node* found = Run(it->second.get(), next)) return found;
      }
      if (node->param) {
        values.push_back(seg);
        if (const Node* found = Run(node->param.get(), next)) return found;
        values.pop_back();
      }
      return nullptr;
    }
  };
  Search search{values};
  std::optional<std::string_view> rest;
  if (path.size() > 1) rest = path.substr(1);
  return search.Run(root_.get(), rest);
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match match;
  std::vector<std::string_view> values;  // small; most paths have at most two parameters
  const Node* node = Walk(path, values);
  if (node == nullptr) return match;
  const Route* route = node->routes[Index(method)];
  if (route == nullptr && method == Method::kHead) route = node->routes[Index(Method::kGet)];
  if (route == nullptr) {
    for (std::size_t i = 0; i < kMethodCount; ++i) {
      auto m = static_cast<Method>(i);
      if (node->routes[i] != nullptr ||
          (m == Method::kHead && node->routes[Index(Method::kGet)] != nullptr)) {
        match.allowed.push_back(m);
      }
    }
    return match;
  }
  match.route = &route->info;
  match.handler = &route->handler;
  match.params.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    match.params.emplace_back(route->param_names[i], PercentDecode(values[i], false));
  }
  return match;
}

std::vector<Method> Router::AllowedMethods(std::string_view path) const {
  std::vector<std::string_view> values;
  const Node* node = Walk(path, values);
  std::vector<Method> allowed;
  if (node == nullptr) return allowed;
  for (std::size_t i = 0; i < kMethodCount; ++i) {
    auto m = static_cast<Method>(i);
    if (node->routes[i] != nullptr ||
        (m == Method::kHead && node->routes[Index(Method::kGet)] != nullptr)) {
      allowed.push_back(m);
    }
  }
  return allowed;
}

core::Result<Response> Router::Dispatch(Request& request) const {
  return Dispatch(request, Find(request.method, request.path));
}

core::Result<Response> Router::Dispatch(Request& request, Match match) const {
  if (match.route == nullptr) {
    request.route = nullptr;
    if (!match.allowed.empty() && request.method == Method::kOptions && preflight_) {
      request.allowed_methods = std::move(match.allowed);
      return RunHandler(preflight_, request);
    }
    if (!match.allowed.empty()) {
      request.allowed_methods = std::move(match.allowed);
      return core::Fail({core::ErrorCode::kMethodNotAllowed,
                         fmt::format("Method {} is not allowed on {}.", MethodName(request.method),
                                     request.path),
                         {}});
    }
    if (fallback_ && (request.method == Method::kGet || request.method == Method::kHead)) {
      return RunHandler(fallback_, request);
    }
    return core::Fail(core::Error::NotFound(fmt::format("No route for {}.", request.path)));
  }
  request.route = match.route;
  request.path_params = std::move(match.params);
  if (middleware_.empty()) return RunHandler(*match.handler, request);

  // Each Next captures two words so std::function keeps it in its small buffer (no allocation).
  ChainContext context{this, match.handler};
  struct Step {
    static core::Result<Response> Run(const ChainContext* ctx, std::size_t i, Request& req) {
      const auto& chain = ctx->router->middleware_;
      if (i == chain.size()) return RunHandler(*ctx->handler, req);
      Next next = [ctx, i](Request& r) { return Run(ctx, i + 1, r); };
      return chain[i](req, next);
    }
  };
  return Step::Run(&context, 0, request);
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

void Router::SetPreflight(Handler handler) { preflight_ = std::move(handler); }

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r->info);
  return out;
}

}  // namespace vetahut::http
