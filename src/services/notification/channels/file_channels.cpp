#include "services/notification/channels/file_channels.hpp"

#include <fmt/format.h>

#include <fstream>
#include <system_error>

#include "lib/core/text_rules.hpp"
#include "services/notification/channels/mime.hpp"

namespace vetahut::notification {

core::Status WriteFileAtomically(const std::filesystem::path& dir, const std::string& name,
                                 const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return core::Fail(
        core::Error::Unavailable(fmt::format("outbox {}: {}", dir.string(), ec.message())));
  const auto path = dir / name;
  const auto tmp = dir / (name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out)
      return core::Fail(
          core::Error::Unavailable(fmt::format("outbox: cannot write {}", tmp.string())));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return core::Fail(core::Error::Unavailable(
        fmt::format("outbox: cannot rename to {}: {}", path.string(), ec.message())));
  return core::Ok();
}

MailFileChannel::MailFileChannel(std::filesystem::path dir, std::string from_address,
                                 std::string from_name, std::string message_id_domain)
    : dir_(std::move(dir)),
      from_address_(std::move(from_address)),
      from_name_(std::move(from_name)),
      message_id_domain_(message_id_domain.empty() ? DomainOf(from_address_)
                                                   : std::move(message_id_domain)) {}

core::Result<Receipt> MailFileChannel::Send(const OutgoingMessage& message) {
  MailMessage mail;
  mail.from_address = from_address_;
  mail.from_name = from_name_;
  mail.to_address = message.address;
  mail.to_name = message.name;
  mail.subject = message.subject;
  mail.text = message.text;
  mail.html = message.html;
  mail.message_id = MessageIdFor(message.dedupe_key, message_id_domain_);
  mail.date = message.created_at;
  mail.extra_headers = {{"X-Vetahut-Notification", message.notification}};
  const std::string name = fmt::format("{}-{}.eml", message.notification, message.delivery_id);
  if (auto written = WriteFileAtomically(dir_, name, BuildEml(mail)); !written)
    return core::Fail(written.error());
  return Receipt{mail.message_id};
}

SmsFileChannel::SmsFileChannel(std::filesystem::path dir, std::string from_number)
    : dir_(std::move(dir)), from_number_(std::move(from_number)) {}

core::Result<Receipt> SmsFileChannel::Send(const OutgoingMessage& message) {
  if (!core::IsE164Phone(message.address)) {
    return core::Fail(
        core::Error::BadRequest(fmt::format("sms: '{}' is not an E.164 number", message.address)));
  }
  const std::string name = fmt::format("{}-{}.sms.txt", message.notification, message.delivery_id);
  const std::string content =
      fmt::format("To: {}\nFrom: {}\n\n{}\n", message.address, from_number_, message.text);
  if (auto written = WriteFileAtomically(dir_, name, content); !written)
    return core::Fail(written.error());
  return Receipt{name};
}

}  // namespace vetahut::notification
