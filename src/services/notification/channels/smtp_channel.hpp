#pragma once
/// Email over SMTP with libcurl: smtp:// (STARTTLS when the server offers it, or required) and
/// smtps://, AUTH when a user is configured, a multipart/alternative body (text and HTML) built
/// with curl's MIME API, RFC 2047 subjects and names, and the Message-ID derived from the
/// delivery's dedupe key. One connection is kept and reused between messages.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "services/notification/channels/channel.hpp"

namespace vetahut::notification {

/// How to reach the mail server and what to send as.
struct SmtpOptions {
  std::string url;       ///< smtp://host:587 or smtps://host:465
  std::string username;  ///< "" = no AUTH
  std::string password;
  std::string tls = "try";        ///< try (STARTTLS when offered) | required | none
  std::string from_address;       ///< envelope sender and From address
  std::string from_name;          ///< From display name
  std::string message_id_domain;  ///< right-hand side of Message-IDs ("" = from_address's domain)
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
};

class SmtpChannel final : public ChannelAdapter {
 public:
  explicit SmtpChannel(SmtpOptions options);
  ~SmtpChannel() override;
  std::string_view kind() const override { return "smtp"; }
  core::Result<Receipt> Send(const OutgoingMessage& message) override;

 private:
  SmtpOptions options_;
  std::mutex mutex_;
  void* curl_ = nullptr;  // CURL*, kept for connection reuse
};

}  // namespace vetahut::notification
