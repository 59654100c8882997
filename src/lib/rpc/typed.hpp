#pragma once
/// Typed calls over a Channel: argument and result structs with `Visit` (lib/json/codec.hpp), so
/// each side declares a call's fields once. Include only in .cpp files (it pulls in Boost.JSON).
#include <string>
#include <string_view>

#include "lib/json/codec.hpp"
#include "lib/rpc/channel.hpp"

namespace vetahut::rpc {

/// The result of a call that returns nothing.
struct Empty {
  template <class V>
  void Visit(V&) {}
};

/// Calls `method` with `args`; decodes the answer as `Result`. An answer that does not decode is
/// kUnavailable (a service of another version, or a bug), never a half-read value.
template <class Result, class Args>
core::Result<Result> Call(Channel& channel, std::string_view method, const Args& args, Retry retry) {
  auto answer = channel.Call(method, json_codec::Encode(args), retry);
  if (!answer) return core::Fail(std::move(answer.error()));
  auto decoded = json_codec::Decode<Result>(*answer);
  if (!decoded) {
    return core::Fail(core::Error::Unavailable(
        fmt::format("the {} service's answer to {} is unreadable: {}", channel.service(), method, decoded.error().detail)));
  }
  return decoded;
}

/// As Call, for methods that return nothing.
template <class Args>
core::Status CallStatus(Channel& channel, std::string_view method, const Args& args, Retry retry) {
  auto answer = Call<Empty>(channel, method, args, retry);
  if (!answer) return core::Fail(std::move(answer.error()));
  return core::Ok();
}

/// Serves `method`: decodes `Args` (a bad body is kBadRequest/kValidation naming the field),
/// runs `fn(args)` which returns a core::Result of a struct with Visit (or core::Status).
template <class Args, class Fn>
void Serve(http::Router& router, std::string_view service, std::string_view method, Fn fn) {
  Expose(router, service, method, [fn = std::move(fn)](std::string_view body) -> core::Result<std::string> {
    auto args = json_codec::Decode<Args>(body);
    if (!args) return core::Fail(std::move(args.error()));
    auto result = fn(*args);
    if (!result) return core::Fail(std::move(result.error()));
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, core::Status>) {
      return std::string("{}");
    } else {
      return json_codec::Encode(*result);
    }
  });
}

}  // namespace vetahut::rpc
