#pragma once
/// The one interface every channel adapter implements (SMTP, `.eml` files, Twilio-shaped SMS, SMS
/// files, in-app), chosen by configuration. An adapter sends one rendered message; it neither
/// retries nor records anything — the sender does (decision 0024).
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::notification {

/// A rendered message on its way out.
struct OutgoingMessage {
  std::string delivery_id;
  std::string notification;  ///< "order_confirmed"
  std::string dedupe_key;    ///< event/notification/channel/recipient: stable across re-sends
  std::string recipient_id;  ///< the account
  std::string address;       ///< email address, E.164 number, or the account id (in-app)
  std::string name;          ///< the recipient's name, for the To header
  std::string subject;       ///< email subject, in-app title
  std::string text;          ///< plain text: the email's text part, the SMS, the in-app body
  std::string html;          ///< the email's HTML part
  std::string store_id;
  std::string order_id;
  core::TimePoint created_at{};
};

/// What the provider answered.
struct Receipt {
  std::string
      provider_id;  ///< the provider's message id (Twilio's SID, the Message-ID, a file name)
};

/// A channel adapter. Send returns the receipt, or an error: kUnavailable when trying again
/// later may work (connection refused, a 4xx SMTP reply, a provider's 5xx or 429); any other
/// code when it never will (a 5xx SMTP reply, an invalid number), and the message is given up.
/// Called by one sender thread at a time.
class ChannelAdapter {
 public:
  virtual ~ChannelAdapter() = default;
  /// "smtp", "file", "twilio", "in_app": for logs and the delivery log.
  virtual std::string_view kind() const = 0;
  virtual core::Result<Receipt> Send(const OutgoingMessage& message) = 0;
};

}  // namespace vetahut::notification
