#pragma once
/// Plain HTTP request/response values: what handlers see. No Asio or Beast in here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vetahut::http {

/// The HTTP methods the platform routes.
enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

/// "GET", "POST", ...
std::string_view MethodName(Method method);
/// The method for an exact (case-sensitive) name, or nullopt for anything else.
std::optional<Method> ParseMethod(std::string_view name);

/// One header field as received or to be sent.
struct Header {
  std::string name;
  std::string value;
};

/// A registered route, as the router stores it.
struct RouteInfo {
  Method method;
  std::string pattern;     ///< e.g. "/api/v1/stores/{store_id}/menu"
  std::string permission;  ///< RBAC permission the route requires ("" = none)
  bool non_blocking;       ///< runs inline on the I/O thread instead of the worker pool
};

/// Bytes in a file (typically an in-memory memfd) that the server sends with sendfile(2), so a
/// large cached body never passes through user space. Immutable; closed when the last user goes.
class FileBody {
 public:
  /// Copies `bytes` into a new anonymous in-memory file; throws std::system_error on failure.
  static std::shared_ptr<const FileBody> FromBytes(std::string_view bytes);
  ~FileBody();
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  int fd() const { return fd_; }
  std::size_t size() const { return size_; }
  /// The bytes themselves when the body is small (≤ kInMemoryMax): the server writes them with the
  /// head in one gather write instead of a write and a sendfile(2) — one system call per response
  /// instead of two, where copying a few KB costs less than the call. Empty for larger bodies.
  std::string_view in_memory() const { return in_memory_; }
  static constexpr std::size_t kInMemoryMax = 16 * 1024;

 private:
  FileBody(int fd, std::size_t size, std::string in_memory) : fd_(fd), size_(size), in_memory_(std::move(in_memory)) {}
  int fd_;
  std::size_t size_;
  std::string in_memory_;
};

/// An incoming request, filled by the server before routing.
class Request {
 public:
  Method method = Method::kGet;
  std::string target;  ///< raw request target, e.g. "/a/b?x=1"
  std::string path;    ///< target before '?', not decoded
  std::string query;   ///< target after '?', not decoded
  std::vector<::vetahut::http::Header> headers;
  std::string body;
  std::string remote_address;
  /// A valid incoming X-Request-Id (<=128 chars of [A-Za-z0-9._-]) or a new random id.
  std::string request_id;
  /// From a valid W3C `traceparent` header, else a new 32-hex id.
  std::string trace_id;
  std::vector<std::pair<std::string, std::string>> path_params;  ///< percent-decoded
  const RouteInfo* route = nullptr;  ///< matched route, null for 404/405
  /// Methods the path allows; set by the router when it answers 405 (feeds the `Allow` header).
  std::vector<Method> allowed_methods;
  /// Who is calling, set by the authentication middleware (an `auth::Caller`); opaque here.
  std::shared_ptr<const void> caller;

  /// The first header with this name (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  /// The first query parameter with this name, percent-decoded ('+' is a space).
  std::optional<std::string> Query(std::string_view name) const;
  /// A path parameter by name, "" if absent.
  std::string_view PathParam(std::string_view name) const;
};

class EventStream;

/// What a handler answers.
struct Response {
  int status = 200;
  std::vector<::vetahut::http::Header> headers;
  std::string body;
  /// When set, sent instead of `body` without copying (pre-serialized, cached responses).
  std::shared_ptr<const std::string> shared_body;
  /// The bytes to send: `shared_body` if set, else `body`.
  std::string_view BodyView() const { return shared_body ? std::string_view(*shared_body) : std::string_view(body); }
  /// When set, sent from the file with sendfile(2) instead of `body`/`shared_body` (zero-copy).
  std::shared_ptr<const FileBody> file_body;
  /// The number of body bytes the response carries.
  std::size_t BodySize() const { return file_body ? file_body->size() : BodyView().size(); }
  /// When set, the server answers text/event-stream and relays the stream's events.
  std::shared_ptr<EventStream> stream;

  /// A body of type application/json.
  static Response Json(std::string body, int status = 200);
  /// A body of any text type.
  static Response Text(std::string body, std::string content_type = "text/plain; charset=utf-8",
                       int status = 200);
  /// An empty 204.
  static Response NoContent();
  /// Sets a header, replacing any with the same name (case-insensitive).
  void SetHeader(std::string name, std::string value);
  /// The first header with this name (case-insensitive).
  std::optional<std::string_view> FindHeader(std::string_view name) const;
};

/// Case-insensitive ASCII comparison (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
/// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (query strings). Invalid escapes
/// are kept verbatim.
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace vetahut::http
