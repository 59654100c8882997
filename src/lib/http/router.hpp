#pragma once
/// Route table and middleware chain: maps (method, path) to a handler.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// A route handler: a plain synchronous function.
using Handler = std::function<core::Result<Response>(Request&)>;
/// The rest of the chain, as seen by a middleware.
using Next = std::function<core::Result<Response>(Request&)>;
/// Runs around every matched route's handler; calls `next` to continue (or not, to short-circuit).
using Middleware = std::function<core::Result<Response>(Request&, const Next&)>;

/// Per-route options.
struct RouteOptions {
  std::string permission;     ///< RBAC permission required ("" = none)
  bool non_blocking = false;  ///< true: runs inline on the I/O thread (must never block)
};

/// Matches requests to routes. Patterns are literal segments and `{name}` parameters, e.g.
/// "/api/v1/stores/{store_id}/menu". Literal segments win over parameters at the same position.
/// Trailing slashes are significant: "/a/" does not match "/a" (and patterns may not end in '/'
/// except the root "/"). Register everything before serving; Find/Dispatch are then thread-safe.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  /// Registers a route; throws std::invalid_argument on a bad or duplicate pattern.
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  void Get(std::string pattern, Handler handler, RouteOptions options = {});
  void Post(std::string pattern, Handler handler, RouteOptions options = {});
  void Put(std::string pattern, Handler handler, RouteOptions options = {});
  void Patch(std::string pattern, Handler handler, RouteOptions options = {});
  void Delete(std::string pattern, Handler handler, RouteOptions options = {});
  /// Appends a middleware; they run in registration order around every matched handler.
  void Use(Middleware middleware);
  /// Answers GET and HEAD requests whose path no route knows (instead of the 404), e.g. the web
  /// apps' static files. It runs inline on the I/O thread without the middleware chain, so it
  /// must never block; it is not a route (Routes() does not list it).
  void SetFallback(Handler handler);
  /// Answers OPTIONS on a path that has routes (a browser's CORS preflight) instead of the 405,
  /// with `request.allowed_methods` set. Inline on the I/O thread, without the middleware chain:
  /// it must never block.
  void SetPreflight(Handler handler);

  /// Result of a lookup: route null + allowed non-empty => 405; both empty => 404.
  struct Match {
    const RouteInfo* route = nullptr;
    const Handler* handler = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<Method> allowed;
  };
  /// Looks up a route. HEAD falls back to GET.
  Match Find(Method method, std::string_view path) const;
  /// Methods registered for a path (HEAD included when GET is), empty if the path is unknown.
  std::vector<Method> AllowedMethods(std::string_view path) const;
  /// Find + middleware chain + handler. 404/405 come back as Errors (405 fills
  /// `request.allowed_methods`).
  core::Result<Response> Dispatch(Request& request) const;
  /// Runs the middleware chain and handler for an existing match (the server calls Find on the
  /// I/O thread and this on whichever thread runs the route).
  core::Result<Response> Dispatch(Request& request, Match match) const;
  /// Every registered route, in registration order.
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route;
  struct Node;
  struct ChainContext;
  const Node* Walk(std::string_view path, std::vector<std::string_view>& values) const;

  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Node> root_;
  Handler preflight_;
  std::vector<Middleware> middleware_;
  Handler fallback_;
};

}  // namespace vetahut::http
