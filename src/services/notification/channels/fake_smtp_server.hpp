#pragma once
/// A tiny SMTP server on loopback for tests (header-only, not linked into the binary): it speaks
/// enough of RFC 5321 for libcurl — EHLO (advertising AUTH PLAIN LOGIN when asked to), AUTH,
/// MAIL, RCPT, DATA, RSET, NOOP, QUIT — records each accepted message's envelope and bytes, and
/// can answer MAIL/RCPT/DATA with a chosen reply (451 to fail for now, 550 to refuse for good).
/// The end-to-end tests use a real server (aiosmtpd); this one lets unit tests see the bytes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vetahut::notification::testing {

struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  ///< the message as sent, dot-unstuffed, CRLF line ends
  std::string auth;  ///< the AUTH exchange's credentials (base64, as sent), "" if none
  int session = 0;   ///< which connection carried it
};

class FakeSmtpServer {
 public:
  explicit FakeSmtpServer(bool advertise_auth = false) : advertise_auth_(advertise_auth) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeSmtpServer() {
    stop_ = true;
    thread_.join();
    for (auto& t : session_threads_) t.join();
    ::close(listener_);
  }
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  /// The next `n` commands of `verb` ("MAIL", "RCPT", "DATA" — DATA's final reply) answer `reply`.
  void FailNext(const std::string& verb, int n, std::string reply) {
    std::lock_guard lock(mutex_);
    fail_verb_ = verb;
    fail_count_ = n;
    fail_reply_ = std::move(reply);
  }
  std::vector<ReceivedMail> Messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  int Sessions() const { return sessions_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      const int session = ++sessions_;
      std::lock_guard lock(mutex_);
      session_threads_.emplace_back([this, fd, session] {
        Session(fd, session);
        ::close(fd);
      });
    }
  }

  /// One line (without CRLF), or false when the client went away or the server stops.
  bool ReadLine(int fd, std::string& buffer, std::string& line) {
    while (true) {
      const auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 50);
      if (stop_) return false;
      if (ready <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static void Reply(int fd, const std::string& text) {
    ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

  /// The injected reply for `verb`, or "" to answer normally.
  std::string Injected(const std::string& verb) {
    std::lock_guard lock(mutex_);
    if (fail_count_ <= 0 || fail_verb_ != verb) return "";
    --fail_count_;
    return fail_reply_ + "\r\n";
  }

  void Session(int fd, int session) {
    std::string buffer, line, auth;
    ReceivedMail mail;
    Reply(fd, "220 fake.test ESMTP\r\n");
    while (ReadLine(fd, buffer, line)) {
      const std::string verb = line.substr(0, line.find(' '));
      if (verb == "EHLO" || verb == "HELO") {
        Reply(fd, advertise_auth_ ? "250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                                  : "250-fake.test\r\n250 8BITMIME\r\n");
      } else if (verb == "AUTH") {
        // AUTH PLAIN <initial> or AUTH PLAIN, then the credentials on their own line.
        const auto space = line.find(' ', 5);
        if (space != std::string::npos) {
          auth = line.substr(space + 1);
        } else {
          Reply(fd, "334 \r\n");
          if (!ReadLine(fd, buffer, auth)) return;
        }
        Reply(fd, "235 2.7.0 Authentication successful\r\n");
      } else if (verb == "MAIL") {
        if (auto r = Injected("MAIL"); !r.empty()) {
          Reply(fd, r);
          continue;
        }
        mail = ReceivedMail{line.substr(10), {}, "", auth, session};
        Reply(fd, "250 OK\r\n");
      } else if (verb == "RCPT") {
        if (auto r = Injected("RCPT"); !r.empty()) {
          Reply(fd, r);
          continue;
        }
        mail.rcpt_to.push_back(line.substr(8));
        Reply(fd, "250 OK\r\n");
      } else if (verb == "DATA") {
        Reply(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
        std::string data;
        while (ReadLine(fd, buffer, line) && line != ".")
          data += (line.starts_with("..") ? line.substr(1) : line) + "\r\n";
        if (auto r = Injected("DATA"); !r.empty()) {
          Reply(fd, r);
          continue;
        }
        mail.data = std::move(data);
        {
          std::lock_guard lock(mutex_);
          messages_.push_back(mail);
        }
        Reply(fd, "250 OK queued\r\n");
      } else if (verb == "RSET" || verb == "NOOP") {
        Reply(fd, "250 OK\r\n");
      } else if (verb == "QUIT") {
        Reply(fd, "221 Bye\r\n");
        return;
      } else {
        Reply(fd, "502 Command not implemented\r\n");
      }
    }
  }

  bool advertise_auth_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> sessions_{0};
  std::thread thread_;
  std::vector<std::thread> session_threads_;
  mutable std::mutex mutex_;
  std::vector<ReceivedMail> messages_;
  std::string fail_verb_;
  int fail_count_ = 0;
  std::string fail_reply_;
};

}  // namespace vetahut::notification::testing
