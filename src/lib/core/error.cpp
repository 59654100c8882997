#include "lib/core/error.hpp"

namespace vetahut::core {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPaymentRequired: return 402;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kRequestTimeout: return 408;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kValidation: return 422;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kInternal: return 500;
    case ErrorCode::kUnavailable: return 503;
  }
  return 500;
}

std::string_view Slug(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return "bad-request";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPaymentRequired: return "payment-required";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kMethodNotAllowed: return "method-not-allowed";
    case ErrorCode::kRequestTimeout: return "request-timeout";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPreconditionFailed: return "precondition-failed";
    case ErrorCode::kPayloadTooLarge: return "payload-too-large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported-media-type";
    case ErrorCode::kValidation: return "validation";
    case ErrorCode::kTooManyRequests: return "too-many-requests";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kUnavailable: return "unavailable";
  }
  return "internal";
}

std::string_view Title(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return "Bad Request";
    case ErrorCode::kUnauthenticated: return "Unauthenticated";
    case ErrorCode::kPaymentRequired: return "Payment Required";
    case ErrorCode::kForbidden: return "Forbidden";
    case ErrorCode::kNotFound: return "Not Found";
    case ErrorCode::kMethodNotAllowed: return "Method Not Allowed";
    case ErrorCode::kRequestTimeout: return "Request Timeout";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kPreconditionFailed: return "Precondition Failed";
    case ErrorCode::kPayloadTooLarge: return "Payload Too Large";
    case ErrorCode::kUnsupportedMediaType: return "Unsupported Media Type";
    case ErrorCode::kValidation: return "Validation Failed";
    case ErrorCode::kTooManyRequests: return "Too Many Requests";
    case ErrorCode::kInternal: return "Internal Server Error";
    case ErrorCode::kUnavailable: return "Service Unavailable";
  }
  return "Internal Server Error";
}

}  // namespace vetahut::core
