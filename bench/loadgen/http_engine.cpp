#include "http_engine.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <tuple>

namespace vetahut::loadgen {

std::chrono::microseconds HttpResponse::Latency() const {
  const Time end = first_byte != Time{} ? first_byte : done;
  return std::chrono::duration_cast<std::chrono::microseconds>(end - intended);
}

struct HttpEngine::Timer {
  Time at;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct HttpEngine::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  HttpRequest request;
  HttpResponse response;
  bool stream = false;
  std::chrono::milliseconds stream_timeout{0};
  std::string pending;   // stream bytes not yet a whole event
  bool hung_up = false;  // on_event asked to stop
  std::function<bool(std::string_view, std::string_view)> on_event;
  std::function<void(HttpResponse&)> done;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }

  /// Splits `pending` into SSE events ("event:" and "data:" lines, a blank line ends one).
  bool DrainEvents() {
    for (;;) {
      auto end = pending.find("\n\n");
      if (end == std::string::npos) return true;
      std::string_view block(pending.data(), end);
      std::string event = "message";
      std::string data;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        auto nl = block.find('\n', pos);
        std::string_view line =
            block.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto value = [&](std::size_t skip) {
          std::string_view v = line.substr(skip);
          if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
          return v;
        };
        if (line.starts_with("event:")) event = value(6);
        if (line.starts_with("data:")) {
          if (!data.empty()) data += '\n';
          data += value(5);
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
      }
      pending.erase(0, end + 2);
      if (!data.empty() || event != "message") {
        if (response.first_byte == Time{}) response.first_byte = Clock::now();
        if (!on_event(event, data)) {
          hung_up = true;
          return false;
        }
      }
    }
  }
};

namespace {

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<HttpEngine::Transfer*>(user);
  const size_t bytes = size * n;
  if (!t->stream) {
    t->response.body.append(data, bytes);
    return bytes;
  }
  t->pending.append(data, bytes);
  // Normalise CRLF so events split on "\n\n" only.
  for (std::size_t p; (p = t->pending.find("\r\n")) != std::string::npos;) t->pending.erase(p, 1);
  if (t->response.body.size() < 4096) t->response.body.append(data, std::min<size_t>(bytes, 4096));
  return t->DrainEvents() ? bytes : 0;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<HttpEngine::Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.size() > 5 &&
      (line.starts_with("ETag:") || line.starts_with("etag:") || line.starts_with("Etag:"))) {
    std::string_view v = line.substr(5);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
      v.remove_suffix(1);
    t->response.etag = std::string(v);
  }
  return size * n;
}

std::string TransportError(int code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_COULDNT_CONNECT:
      return "connection refused";
    case CURLE_GOT_NOTHING:
      return "connection closed without an answer";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return "connection reset";
    case CURLE_PARTIAL_FILE:
      return "answer cut short";
    default:
      return std::string("curl: ") + curl_easy_strerror(static_cast<CURLcode>(code));
  }
}

}  // namespace

HttpEngine::HttpEngine(std::string base_url, int connections, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), connections_(connections), timeout_(timeout) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi_ = curl_multi_init();
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  // Keep every connection it opens: a run must not pay for reconnecting.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(connections + 64));
}

HttpEngine::~HttpEngine() {
  for (auto& t : running_) curl_multi_remove_handle(multi_, t->easy);
  running_.clear();
  curl_multi_cleanup(multi_);
}

void HttpEngine::At(Time at, std::function<void()> fn) {
  if (stopped_) return;
  timers_.push_back(Timer{at, timer_seq_++, std::move(fn)});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
}

void HttpEngine::Send(HttpRequest request, Time intended, std::function<void(HttpResponse&)> done) {
  if (stopped_) return;
  if (intended > Clock::now()) {
    // Never early: a request meant for later waits for its time on the timer heap.
    auto deferred = std::make_shared<std::pair<HttpRequest, std::function<void(HttpResponse&)>>>(
        std::move(request), std::move(done));
    At(intended, [this, deferred, intended] {
      Send(std::move(deferred->first), intended, std::move(deferred->second));
    });
    return;
  }
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->response.intended = intended;
  t->done = std::move(done);
  waiting_.push_back(std::move(t));
  StartWaiting();
}

void HttpEngine::Stream(HttpRequest request, Time intended, std::chrono::milliseconds timeout,
                        std::function<bool(std::string_view, std::string_view)> on_event,
                        std::function<void(HttpResponse&)> done) {
  if (stopped_) return;
  if (intended > Clock::now()) {
    auto deferred = std::make_shared<
        std::tuple<HttpRequest, std::function<bool(std::string_view, std::string_view)>,
                   std::function<void(HttpResponse&)>>>(std::move(request), std::move(on_event),
                                                        std::move(done));
    At(intended, [this, deferred, intended, timeout] {
      Stream(std::move(std::get<0>(*deferred)), intended, timeout,
             std::move(std::get<1>(*deferred)), std::move(std::get<2>(*deferred)));
    });
    return;
  }
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->response.intended = intended;
  t->stream = true;
  t->stream_timeout = timeout;
  t->on_event = std::move(on_event);
  t->done = std::move(done);
  Start(std::move(t));
}

void HttpEngine::StartWaiting() {
  while (short_in_flight_ < connections_ && waiting_head_ < waiting_.size()) {
    ++short_in_flight_;
    Start(std::move(waiting_[waiting_head_++]));
  }
  if (waiting_head_ == waiting_.size()) {
    waiting_.clear();
    waiting_head_ = 0;
  }
}

void HttpEngine::Start(std::unique_ptr<Transfer> t) {
  CURL* e = curl_easy_init();
  if (!e) throw std::runtime_error("curl_easy_init failed");
  t->easy = e;
  const std::string url = base_url_ + t->request.path;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_PROXY,
                   "");  // loopback only: never through a proxy from the environment
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(t->stream ? t->stream_timeout.count() : timeout_.count()));
  for (const auto& h : t->request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (t->request.method == "POST" || t->request.method == "PUT") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t->request.body.size()));
    if (t->request.method == "PUT") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
  }
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  t->response.sent = Clock::now();
  send_lag_us_.push_back(
      std::chrono::duration_cast<std::chrono::microseconds>(t->response.sent - t->response.intended)
          .count());
  curl_multi_add_handle(multi_, e);
  running_.push_back(std::move(t));
}

void HttpEngine::Finish(Transfer* t, int code) {
  curl_multi_remove_handle(multi_, t->easy);
  t->response.done = Clock::now();
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  t->response.status = static_cast<int>(status);
  if (code != CURLE_OK && !(t->hung_up && code == CURLE_WRITE_ERROR)) {
    t->response.transport_error = TransportError(code);
    // A stream that timed out after its events still has the status; a short request does not.
    if (!t->stream) t->response.status = 0;
  }
  if (t->stream && code == CURLE_OK) t->DrainEvents();
  auto it =
      std::find_if(running_.begin(), running_.end(), [t](const auto& p) { return p.get() == t; });
  std::unique_ptr<Transfer> owned = std::move(*it);
  running_.erase(it);
  if (!owned->stream) --short_in_flight_;
  owned->done(owned->response);
  StartWaiting();
}

void HttpEngine::Run(Time deadline) {
  for (;;) {
    Time now = Clock::now();
    while (!timers_.empty() && timers_.front().at <= now) {
      std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
      auto fn = std::move(timers_.back().fn);
      timers_.pop_back();
      fn();
    }
    int still_running = 0;
    curl_multi_perform(multi_, &still_running);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
      Finish(t, m->data.result);
    }
    now = Clock::now();
    if (timers_.empty() && running_.empty() && waiting_head_ == waiting_.size()) return;
    if (now >= deadline) {
      // Stop by itself: whatever is still open or waiting is reported, not waited for.
      stopped_ = true;
      for (; waiting_head_ < waiting_.size(); ++waiting_head_)
        running_.push_back(std::move(waiting_[waiting_head_]));
      waiting_.clear();
      waiting_head_ = 0;
      timers_.clear();
      while (!running_.empty()) {
        Transfer* t = running_.back().get();
        t->response.transport_error = "abandoned at the deadline";
        if (t->easy) curl_multi_remove_handle(multi_, t->easy);
        t->response.done = now;
        t->response.status = 0;
        auto owned = std::move(running_.back());
        running_.pop_back();
        owned->done(owned->response);
      }
      return;
    }
    long curl_timeout = -1;
    curl_multi_timeout(multi_, &curl_timeout);
    long wait_ms = 50;
    if (curl_timeout >= 0) wait_ms = std::min(wait_ms, curl_timeout);
    if (!timers_.empty()) {
      auto until =
          std::chrono::duration_cast<std::chrono::milliseconds>(timers_.front().at - now).count();
      wait_ms = std::min<long>(wait_ms, std::max<long>(0, until));
    }
    if (wait_ms > 0) curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait_ms), nullptr);
  }
}

}  // namespace vetahut::loadgen
