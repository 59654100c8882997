#pragma once
/// The embedded default: messages written as files under `<data_dir>/outbox/` instead of sent,
/// so a newcomer sees what the platform would send. Email is a complete `.eml` (open it in any
/// mail program), an SMS a small `.sms.txt`. A file is named by its delivery, so a re-send
/// rewrites the same file rather than adding one.
#include <filesystem>
#include <string>

#include "services/notification/channels/channel.hpp"

namespace vetahut::notification {

class MailFileChannel final : public ChannelAdapter {
 public:
  MailFileChannel(std::filesystem::path dir, std::string from_address, std::string from_name,
                  std::string message_id_domain);
  std::string_view kind() const override { return "file"; }
  core::Result<Receipt> Send(const OutgoingMessage& message) override;

 private:
  std::filesystem::path dir_;
  std::string from_address_;
  std::string from_name_;
  std::string message_id_domain_;
};

class SmsFileChannel final : public ChannelAdapter {
 public:
  SmsFileChannel(std::filesystem::path dir, std::string from_number);
  std::string_view kind() const override { return "file"; }
  core::Result<Receipt> Send(const OutgoingMessage& message) override;

 private:
  std::filesystem::path dir_;
  std::string from_number_;
};

/// Writes `content` to `dir/name` atomically (a temporary file renamed over it).
core::Status WriteFileAtomically(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& content);

}  // namespace vetahut::notification
