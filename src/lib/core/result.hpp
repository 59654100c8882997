#pragma once
/// `Result<T>`: a value or an `Error` (tl::expected until the toolchain has std::expected).
#include <tl/expected.hpp>

#include "lib/core/error.hpp"

namespace vetahut::core {

template <class T>
using Result = tl::expected<T, Error>;

/// A result with no value: success or an `Error`.
using Status = Result<void>;

/// Wraps an `Error` so it converts to any `Result<T>`: `return Fail(Error::NotFound("…"));`.
inline tl::unexpected<Error> Fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

/// Success for a `Status`.
inline Status Ok() { return {}; }

}  // namespace vetahut::core
