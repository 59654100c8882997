#pragma once
/// What the platform tells people: each notification, the channels it may go on, whether it is
/// transactional (cannot be switched off) or marketing, whether it is urgent (quiet hours do not
/// hold it back), and the names its templates may use. Pure data (decision 0023).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::notification {

/// Where a message goes.
enum class Channel { kEmail, kSms, kInApp };

std::string_view ChannelName(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);
/// email, sms, in_app.
const std::vector<Channel>& AllChannels();

/// Transactional messages follow an order or an account and cannot be switched off (a customer
/// only chooses their channels); marketing messages need the customer's opt-in per channel.
enum class Category { kTransactional, kMarketing };

/// A section of a template: a list (LINES) or a condition shown once when present (DELIVERY).
struct SectionSpec {
  std::string_view name;
  std::vector<std::string_view> fields;
};

/// One notification.
struct NotificationSpec {
  std::string_view name;  ///< "order_confirmed": its template directory and its name in the API
  Category category = Category::kTransactional;
  /// Sent at once even in the recipient's quiet hours (they are waiting for it).
  bool urgent = false;
  /// Carries a secret (a password-reset link): never shown in the delivery log, and its bodies
  /// are blanked once sent.
  bool sensitive = false;
  /// Goes to the address in the event, on these channels, whatever the preferences say (account
  /// security: verification and password reset).
  bool ignores_preferences = false;
  std::vector<Channel> channels;         ///< the channels it can go on (templates exist for these)
  std::vector<std::string_view> fields;  ///< names its templates may use, besides the common ones
  std::vector<SectionSpec> sections;
};

/// Names every template may use: RECIPIENT_NAME, STORE_NAME, STORE_PHONE, BRAND.
const std::vector<std::string_view>& CommonFields();

/// Every notification, in a stable order.
const std::vector<NotificationSpec>& Catalog();
/// The notification called `name`, or nullptr.
const NotificationSpec* FindNotification(std::string_view name);

/// The template parts a channel needs: email → subject, txt, html; sms → sms; in-app → subject
/// (the title) and sms (the short body).
std::vector<std::string_view> PartsFor(Channel channel);

/// The key that makes a message unique: one per (event, notification, channel, recipient).
std::string DedupeKey(std::string_view event_id, std::string_view notification, Channel channel,
                      std::string_view recipient_id);

}  // namespace vetahut::notification
