#include "lib/http/stream_relay.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "lib/http/sse.hpp"

namespace vetahut::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

/// Headers the server writes itself for a stream, or that describe one hop only.
bool OwnHeader(std::string_view name) {
  for (std::string_view own : {"content-type", "content-length", "cache-control", "connection", "keep-alive",
                               "transfer-encoding", "server", "date"}) {
    if (EqualsIgnoreCase(name, own)) return true;
  }
  return false;
}

}  // namespace

/// One relayed request, shared by the caller waiting for its head and the relay thread.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::size_t max_body = 0;
  char error[CURL_ERROR_SIZE] = {0};

  // Written by the relay thread; read by Open once `head_ready`.
  std::mutex mu;
  std::condition_variable cv;
  bool head_ready = false;
  std::optional<core::Result<Response>> head;
  bool abandoned = false;  ///< Open stopped waiting: drop the transfer

  Response response;  // relay thread only until head_ready
  bool streaming = false;
  bool too_large = false;
  std::shared_ptr<EventStream> stream;

  void Finish(core::Result<Response> result) {
    std::lock_guard lock(mu);
    if (head_ready) return;
    head = std::move(result);
    head_ready = true;
    cv.notify_all();
  }
};

class StreamRelay::Impl {
 public:
  explicit Impl(StreamRelayOptions options) : options_(options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    thread_ = std::thread([this] { Run(); });
  }
  ~Impl() {
    stopping_ = true;
    curl_multi_wakeup(multi_);
    thread_.join();
    for (auto& [easy, t] : running_) {
      curl_multi_remove_handle(multi_, easy);
      Drop(*t, "the gateway is stopping");
    }
    std::lock_guard lock(mu_);
    for (auto& t : pending_) t->Finish(core::Fail(core::Error::Unavailable("the gateway is stopping")));
    curl_multi_cleanup(multi_);
  }

  core::Result<Response> Open(const std::string& url, const std::vector<Header>& headers) {
    auto t = std::make_shared<Transfer>();
    t->max_body = options_.max_body;
    t->easy = curl_easy_init();
    if (!t->easy) return core::Fail(core::Error::Internal("curl_easy_init failed"));
    curl_easy_setopt(t->easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(t->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t.get());
    for (const auto& h : headers) {
      std::string line = h.value.empty() ? h.name + ";" : h.name + ": " + h.value;
      t->headers = curl_slist_append(t->headers, line.c_str());
    }
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    {
      std::lock_guard lock(mu_);
      pending_.push_back(t);
    }
    curl_multi_wakeup(multi_);

    std::unique_lock lock(t->mu);
    if (!t->cv.wait_for(lock, options_.head_timeout, [&] { return t->head_ready; })) {
      t->abandoned = true;
      return core::Fail(core::Error::Unavailable(fmt::format("{} did not answer within {} ms", url, options_.head_timeout.count())));
    }
    return std::move(*t->head);
  }

  std::size_t active() const { return active_.load(); }

  void CloseAll() {
    std::unique_lock lock(mu_);
    const std::uint64_t asked = ++close_requests_;
    curl_multi_wakeup(multi_);
    closed_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return close_done_ >= asked; });
  }

 private:
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
      t->response = Response{};
      return n;
    }
    if (Trim(line).empty()) {  // the end of a head
      long status = 0;
      curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
      if (status < 200) return n;  // 100 Continue: another head follows
      t->response.status = static_cast<int>(status);
      auto type = t->response.FindHeader("content-type");
      if (status == 200 && type && type->starts_with("text/event-stream")) {
        t->streaming = true;
        t->stream = EventStream::Create(4096);
        Response head;
        head.status = 200;
        for (const auto& h : t->response.headers) {
          if (!OwnHeader(h.name)) head.headers.push_back(h);
        }
        head.stream = t->stream;
        t->Finish(std::move(head));
      }
      return n;
    }
    if (auto colon = line.find(':'); colon != std::string_view::npos) {
      t->response.headers.push_back({std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
    }
    return n;
  }

  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->streaming) {
      if (t->stream->closed()) return 0;  // our client left: end the upstream request
      t->stream->SendRaw(std::string_view(data, n));
      return n;
    }
    if (t->response.body.size() + n > t->max_body) {
      t->too_large = true;
      return 0;
    }
    t->response.body.append(data, n);
    return n;
  }

  void Run() {
    while (!stopping_) {
      {
        std::lock_guard lock(mu_);
        for (auto& t : pending_) {
          running_[t->easy] = t;
          curl_multi_add_handle(multi_, t->easy);
          ++active_;
        }
        pending_.clear();
      }
      int still_running = 0;
      curl_multi_perform(multi_, &still_running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        auto it = running_.find(msg->easy_handle);
        if (it == running_.end()) continue;
        auto t = it->second;
        const CURLcode code = msg->data.result;
        // Off the books before its caller hears of it.
        curl_multi_remove_handle(multi_, t->easy);
        running_.erase(it);
        --active_;
        if (t->streaming) {
          t->stream->Close();  // the upstream ended: the client reconnects with Last-Event-ID
        } else if (code == CURLE_OK) {
          Response whole = std::move(t->response);
          std::erase_if(whole.headers, [](const Header& h) {
            return EqualsIgnoreCase(h.name, "content-length") || EqualsIgnoreCase(h.name, "transfer-encoding") ||
                   EqualsIgnoreCase(h.name, "connection") || EqualsIgnoreCase(h.name, "server") ||
                   EqualsIgnoreCase(h.name, "date");
          });
          t->Finish(std::move(whole));
        } else {
          t->Finish(core::Fail(core::Error::Unavailable(
              t->too_large ? std::string("the upstream's answer is too large")
                           : fmt::format("the upstream failed: {}", t->error[0] ? t->error : curl_easy_strerror(code)))));
        }
        Drop(*t, "the stream ended");
      }
      // Clients that left while their upstream was quiet, and callers that stopped waiting.
      std::uint64_t close_requests;
      {
        std::lock_guard lock(mu_);
        close_requests = close_requests_;
      }
      const bool close_all = close_requests > close_done_seen_;
      std::vector<std::shared_ptr<Transfer>> gone;
      for (auto& [easy, t] : running_) {
        bool abandoned;
        {
          std::lock_guard lock(t->mu);
          abandoned = t->abandoned;
        }
        if (close_all || abandoned || (t->streaming && t->stream->closed())) gone.push_back(t);
      }
      for (auto& t : gone) Remove(t);
      if (close_all) {
        close_done_seen_ = close_requests;
        std::lock_guard lock(mu_);
        close_done_ = close_requests;
        closed_cv_.notify_all();
      }
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }

  void Remove(const std::shared_ptr<Transfer>& t) {
    curl_multi_remove_handle(multi_, t->easy);
    running_.erase(t->easy);
    Drop(*t, "the stream ended");
    --active_;
  }

  static void Drop(Transfer& t, const char* why) {
    t.Finish(core::Fail(core::Error::Unavailable(why)));
    if (t.stream) t.stream->Close();
    curl_slist_free_all(t.headers);
    t.headers = nullptr;
    curl_easy_cleanup(t.easy);
    t.easy = nullptr;
  }

  StreamRelayOptions options_;
  CURLM* multi_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Transfer>> pending_;
  std::condition_variable closed_cv_;
  std::uint64_t close_requests_ = 0, close_done_ = 0;  // mu_
  std::uint64_t close_done_seen_ = 0;                   // relay thread only
  std::map<CURL*, std::shared_ptr<Transfer>> running_;  // relay thread only
};

StreamRelay::StreamRelay(StreamRelayOptions options) : impl_(std::make_unique<Impl>(options)) {}
StreamRelay::~StreamRelay() = default;
core::Result<Response> StreamRelay::Open(const std::string& url, const std::vector<Header>& headers) {
  return impl_->Open(url, headers);
}
std::size_t StreamRelay::active() const { return impl_->active(); }
void StreamRelay::CloseAll() { impl_->CloseAll(); }

}  // namespace vetahut::http
