#pragma once
/// Errors as values: every expected failure of the platform is an `Error` with a stable code.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::core {

/// What went wrong, in terms a client can act on. Each code maps to one HTTP status.
enum class ErrorCode {
  kBadRequest,        ///< malformed input (400)
  kUnauthenticated,   ///< missing or invalid credentials (401)
  kPaymentRequired,   ///< the payment was declined (402)
  kForbidden,         ///< authenticated but not allowed (403)
  kNotFound,          ///< unknown resource (404)
  kMethodNotAllowed,  ///< path exists, method does not (405)
  kRequestTimeout,    ///< client too slow (408)
  kConflict,          ///< state conflict, e.g. unique violation (409)
  kPreconditionFailed,   ///< precondition on the request failed (412)
  kPayloadTooLarge,      ///< body over the limit (413)
  kUnsupportedMediaType, ///< wrong content type (415)
  kValidation,           ///< well-formed but invalid fields (422)
  kTooManyRequests,      ///< rate-limited (429)
  kInternal,             ///< a bug or unexpected failure (500)
  kUnavailable,          ///< a dependency is down; retry later (503)
};

/// One invalid field of a request, named by its JSON path (e.g. `items[2].size`).
struct FieldError {
  std::string field;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

/// An expected failure: a code, a human-readable detail and, for validation, per-field errors.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
  std::vector<FieldError> fields;

  static Error BadRequest(std::string detail) { return {ErrorCode::kBadRequest, std::move(detail), {}}; }
  static Error NotFound(std::string detail) { return {ErrorCode::kNotFound, std::move(detail), {}}; }
  static Error Conflict(std::string detail) { return {ErrorCode::kConflict, std::move(detail), {}}; }
  static Error Forbidden(std::string detail) { return {ErrorCode::kForbidden, std::move(detail), {}}; }
  static Error Unauthenticated(std::string detail) {
    return {ErrorCode::kUnauthenticated, std::move(detail), {}};
  }
  static Error PaymentRequired(std::string detail) { return {ErrorCode::kPaymentRequired, std::move(detail), {}}; }
  static Error Unavailable(std::string detail) { return {ErrorCode::kUnavailable, std::move(detail), {}}; }
  static Error Internal(std::string detail) { return {ErrorCode::kInternal, std::move(detail), {}}; }
  static Error Validation(std::vector<FieldError> fields, std::string detail = "The request has invalid fields.") {
    return {ErrorCode::kValidation, std::move(detail), std::move(fields)};
  }
};

/// The HTTP status for a code (400…503).
int HttpStatus(ErrorCode code);
/// A stable kebab-case slug for a code, used in the problem `type` URI (e.g. "not-found").
std::string_view Slug(ErrorCode code);
/// The short, fixed title for a code (e.g. "Not Found").
std::string_view Title(ErrorCode code);

/// An exception that carries an `Error`: thrown by infrastructure (e.g. the database layer on a
/// unique violation or lost connection) and translated like a returned error by the HTTP layer.
class ErrorException : public std::runtime_error {
 public:
  explicit ErrorException(Error error)
      : std::runtime_error(error.detail), error_(std::move(error)) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

/// Collects field errors while validating a request; `ToResult` yields the 422 if any were found.
class FieldErrors {
 public:
  void Add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  const std::vector<FieldError>& list() const { return errors_; }
  Error ToError() const { return Error::Validation(errors_); }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace vetahut::core
