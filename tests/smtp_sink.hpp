#pragma once
// A real SMTP server for end-to-end tests and benchmarks: `python3 -m aiosmtpd` (Debian's
// python3-aiosmtpd) on 127.0.0.1 with its Mailbox handler, writing every message it accepts into a
// Maildir. Messages are read back with Python's own email parser (policy.default), so a test sees
// the subject and the text and HTML parts as any mail program would — an independent check that
// what the platform sends is well-formed MIME with RFC 2047 headers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace vetahut::testing {

struct SunkMail {
  std::string notification;  ///< X-Vetahut-Notification
  std::string to;
  std::string subject;  ///< decoded
  std::string message_id;
  std::string text;  ///< the text/plain part, decoded
  std::string html;  ///< the text/html part, decoded
};

class SmtpSink {
 public:
  /// A sink on a free port, writing into the Maildir `dir` (created by the server).
  explicit SmtpSink(std::filesystem::path dir) : dir_(std::move(dir)), port_(FreePort()) {
    Start();
  }
  ~SmtpSink() { Stop(); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  static std::string Python() {
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  }

  /// Starts the server (again, on the same port) and waits until it accepts connections.
  bool Start() {
    if (pid_ > 0) return true;
    std::filesystem::create_directories(
        dir_.parent_path());  // Maildir makes dir_ with its new/cur/tmp
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log =
          (dir_.parent_path() / (dir_.filename().string() + ".sink.log")).string();
      FILE* out = std::freopen(log.c_str(), "a", stderr);
      (void)out;
      const std::string python = Python();
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl(python.c_str(), python.c_str(), "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Accepting()) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  /// Stops the server: connections to its port are refused until Start.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  /// Every message received so far, parsed by Python's email package.
  std::vector<SunkMail> Messages() const {
    const std::string script = R"PY(
import json, os, sys
from email import policy
from email.parser import BytesParser
out = []
for sub in ("new", "cur"):
    d = os.path.join(sys.argv[1], sub)
    if not os.path.isdir(d):
        continue
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), "rb") as f:
            m = BytesParser(policy=policy.default).parse(f)
        text = m.get_body(("plain",))
        html = m.get_body(("html",))
        out.append({"notification": str(m.get("X-Vetahut-Notification", "")), "to": str(m.get("To", "")),
                    "subject": str(m.get("Subject", "")), "message_id": str(m.get("Message-ID", "")),
                    "text": text.get_content() if text else "", "html": html.get_content() if html else ""})
print(json.dumps(out))
)PY";
    const std::filesystem::path script_file =
        dir_.parent_path() / (dir_.filename().string() + ".read.py");
    std::ofstream(script_file) << script;
    const std::string command = Python() + " " + script_file.string() + " " + dir_.string();
    FILE* pipe = popen(command.c_str(), "r");
    std::string json_text;
    char buffer[65536];
    for (std::size_t n; pipe && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      json_text.append(buffer, n);
    if (pipe) pclose(pipe);
    std::vector<SunkMail> out;
    boost::json::error_code ec;
    const auto doc = boost::json::parse(json_text, ec);
    if (ec || !doc.is_array()) return out;
    for (const auto& m : doc.as_array()) {
      auto s = [&](const char* key) { return std::string(m.at(key).as_string()); };
      out.push_back(
          {s("notification"), s("to"), s("subject"), s("message_id"), s("text"), s("html")});
    }
    return out;
  }

  /// Waits until `match` holds for the messages (or `timeout` passes); the last messages read.
  template <class Match>
  std::vector<SunkMail> WaitFor(
      Match match, std::chrono::milliseconds timeout = std::chrono::milliseconds(15000)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto messages = Messages();
    while (!match(messages) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      messages = Messages();
    }
    return messages;
  }

 private:
  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  bool Accepting() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
  }

  std::filesystem::path dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace vetahut::testing
