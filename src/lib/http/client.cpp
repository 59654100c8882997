#include "lib/http/client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

namespace vetahut::http {
namespace {

constexpr std::size_t kMaxPooledHandles = 32;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
  ClientResponse* response;
  std::size_t max_body;
  const std::function<bool(std::string_view)>* allow_address = nullptr;
  bool too_large = false;
  std::string refused_address;  ///< the address allow_address refused, if any
};

/// The numeric form of a socket address ("10.0.0.7", "::1"); "" for other families.
std::string NumericAddress(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
  }
  return text;
}

// Curl calls this with the resolved address right before it connects: the one place where the
// address checked is the address used.
curl_socket_t OpenCheckedSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* ex = static_cast<Exchange*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && ex->allow_address && *ex->allow_address) {
    const std::string numeric = NumericAddress(&address->addr);
    if (numeric.empty() || !(*ex->allow_address)(numeric)) {
      ex->refused_address = numeric.empty() ? "an address of family " + std::to_string(address->family) : numeric;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  if (ex->response->body.size() + n > ex->max_body) {
    ex->too_large = true;
    return 0;  // aborts the transfer
  }
  ex->response->body.append(data, n);
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    ex->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    ex->response->headers.push_back(
        {std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  }
  return n;
}

}  // namespace

// Curl easy handles keep their connection cache, so returning them to a pool keeps keep-alive
// connections warm across calls and threads.
class HttpClient::Pool {
 public:
  ~Pool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }
  CURL* Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* handle) {
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < kMaxPooledHandles) {
        idle_.push_back(handle);
        return;
      }
    }
    curl_easy_cleanup(handle);
  }

 private:
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

std::optional<std::string_view> ClientResponse::Header(std::string_view name) const {
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

HttpClient::HttpClient(ClientOptions options)
    : options_(options), pool_(std::make_unique<Pool>()) {
  GlobalInit();
}

HttpClient::~HttpClient() = default;

core::Result<ClientResponse> HttpClient::Send(Method method, const std::string& url,
                                              const std::vector<::vetahut::http::Header>& headers,
                                              std::string_view body) {
  CURL* curl = pool_->Acquire();
  if (curl == nullptr) return core::Fail(core::Error::Internal("curl_easy_init failed"));
  struct Releaser {
    Pool& pool;
    CURL* curl;
    curl_slist* list = nullptr;
    ~Releaser() {
      curl_slist_free_all(list);
      pool.Release(curl);
    }
  } releaser{*pool_, curl};

  curl_easy_reset(curl);  // clears options, keeps the connection cache
  ClientResponse response;
  Exchange exchange{&response, options_.max_body, &options_.allow_address};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  if (options_.allow_address) {
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_PROXY, "");  // "" = no proxy, whatever the environment says
  }

  bool sends_body = !body.empty() || method == Method::kPost || method == Method::kPut ||
                    method == Method::kPatch;
  if (method == Method::kHead) {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    // POSTFIELDS is not copied; `body` outlives the transfer. Never pass null (curl would read
    // the body from stdin).
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  if (method != Method::kGet && method != Method::kHead && method != Method::kPost) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, MethodName(method).data());  // literal, NUL-terminated
  } else if (method == Method::kGet && sends_body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "GET");
  }

  // "Expect:" stops curl from waiting for 100 Continue on larger bodies.
  releaser.list = curl_slist_append(releaser.list, "Expect:");
  for (const auto& h : headers) {
    std::string line = h.value.empty() ? h.name + ";" : h.name + ": " + h.value;
    releaser.list = curl_slist_append(releaser.list, line.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, releaser.list);

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    if (!exchange.refused_address.empty()) {
      return core::Fail(core::Error::Unavailable(fmt::format("{} {}: refused to connect to {}: not an allowed address",
                                                             MethodName(method), url, exchange.refused_address)));
    }
    if (exchange.too_large) {
      return core::Fail(core::Error::Unavailable(fmt::format(
          "{} {}: response body exceeds {} bytes", MethodName(method), url, options_.max_body)));
    }
    std::string_view reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return core::Fail(core::Error::Unavailable(
        fmt::format("{} {} failed: {} ({})", MethodName(method), url, reason,
                    curl_easy_strerror(code))));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

core::Result<ClientResponse> HttpClient::Get(const std::string& url,
                                             const std::vector<::vetahut::http::Header>& headers) {
  return Send(Method::kGet, url, headers);
}

core::Result<ClientResponse> HttpClient::Post(const std::string& url, std::string_view body,
                                              const std::vector<::vetahut::http::Header>& headers) {
  return Send(Method::kPost, url, headers, body);
}

}  // namespace vetahut::http
