#pragma once
// A small server-sent-events client for end-to-end tests: one GET on a plain socket, events read
// as they arrive (the kitchen stream never ends by itself, so a whole-body client cannot read it).
// Handles chunked and unchunked bodies; waits with a deadline, never forever.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/http/message.hpp"

namespace vetahut::testing {

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

class SseClient {
 public:
  SseClient() = default;
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;
  ~SseClient() { Close(); }

  /// Connects to `url` (http://127.0.0.1:port/path?query) and sends the GET. The status line's
  /// code is in status() once the head arrived (0 before).
  bool Open(const std::string& url, const std::vector<vetahut::http::Header>& headers) {
    const std::string rest = url.substr(url.find("://") + 3);
    const std::string host_port = rest.substr(0, rest.find('/'));
    const std::string target = rest.substr(host_port.size());
    const int port = std::stoi(host_port.substr(host_port.find(':') + 1));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host_port + "\r\nAccept: text/event-stream\r\n";
    for (const auto& h : headers) request += h.name + ": " + h.value + "\r\n";
    request += "\r\n";
    return ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int status() const { return status_; }
  /// Every event received so far, in order.
  const std::vector<SseEvent>& events() const { return events_; }

  /// Reads until an event satisfies `match` (searching from the first one not yet returned by an
  /// earlier WaitFor) or `timeout` passes; the event, or nullopt.
  std::optional<SseEvent> WaitFor(const std::function<bool(const SseEvent&)>& match,
                                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      for (; next_ < events_.size(); ++next_) {
        if (match(events_[next_])) return events_[next_++];
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || fd_ < 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buffer[8192];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        Close();
        continue;
      }
      raw_.append(buffer, static_cast<std::size_t>(n));
      Parse();
    }
  }

 private:
  void Parse() {
    if (status_ == 0) {
      const auto end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = raw_.substr(0, end);
      status_ = std::stoi(head.substr(head.find(' ') + 1, 3));
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      chunked_ = lower.find("transfer-encoding: chunked") != std::string::npos;
      raw_.erase(0, end + 4);
    }
    if (chunked_) {
      while (true) {
        const auto line_end = raw_.find("\r\n");
        if (line_end == std::string::npos) break;
        const std::size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
        if (raw_.size() < line_end + 2 + size + 2) break;
        body_ += raw_.substr(line_end + 2, size);
        raw_.erase(0, line_end + 2 + size + 2);
        if (size == 0) break;
      }
    } else {
      body_ += raw_;
      raw_.clear();
    }
    // Events end with a blank line.
    for (auto end = body_.find("\n\n"); end != std::string::npos; end = body_.find("\n\n")) {
      const std::string block = body_.substr(0, end);
      body_.erase(0, end + 2);
      SseEvent e;
      std::size_t at = 0;
      while (at <= block.size()) {
        const auto nl = block.find('\n', at);
        const std::string line = block.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
        if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data += (e.data.empty() ? "" : "\n") + line.substr(6);
        if (nl == std::string::npos) break;
        at = nl + 1;
      }
      if (!e.event.empty() || !e.data.empty()) events_.push_back(std::move(e));
    }
  }

  int fd_ = -1;
  int status_ = 0;
  bool chunked_ = false;
  std::string raw_;
  std::string body_;
  std::vector<SseEvent> events_;
  std::size_t next_ = 0;
};

}  // namespace vetahut::testing
