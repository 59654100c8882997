#pragma once
/// The authenticated caller of an HTTP request, as the authentication middleware leaves it.
#include <memory>

#include "lib/auth/jwt.hpp"
#include "lib/auth/policy.hpp"
#include "lib/http/message.hpp"

namespace vetahut::auth {

/// Who is calling: the principal the policy is checked against and the token it came from.
struct Caller {
  Principal principal;
  Claims claims;
};

/// The request's caller, or null for an anonymous request.
inline const Caller* CallerOf(const http::Request& request) {
  return static_cast<const Caller*>(request.caller.get());
}

/// Attaches a caller to the request.
inline void SetCaller(http::Request& request, Caller caller) {
  request.caller = std::make_shared<const Caller>(std::move(caller));
}

}  // namespace vetahut::auth
