#pragma once
/// A person's notification preferences: their language, the channels they want transactional
/// messages on (at least one: those cannot be switched off), the channels they accept marketing on
/// (none until they opt in), and quiet hours in the store's local time.
#include <optional>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "services/notification/domain/catalog.hpp"
#include "services/notification/domain/delivery_rules.hpp"

namespace vetahut::notification {

/// One flag per channel.
struct ChannelSet {
  bool email = false;
  bool sms = false;
  bool in_app = false;
  bool Has(Channel c) const {
    return c == Channel::kEmail ? email : c == Channel::kSms ? sms : in_app;
  }
  void Set(Channel c, bool on) {
    (c == Channel::kEmail ? email : c == Channel::kSms ? sms : in_app) = on;
  }
  bool Any() const { return email || sms || in_app; }
  bool operator==(const ChannelSet&) const = default;
};

struct Preferences {
  std::string locale;                           ///< BCP-47; "" = the platform's default
  ChannelSet transactional{true, false, true};  ///< email and in-app until a person chooses
  ChannelSet marketing{};                       ///< nothing without an opt-in
  std::optional<QuietHours> quiet_hours;
  bool operator==(const Preferences&) const = default;
};

/// Whether `spec` goes to this person on `channel`: channels the notification supports, then
/// the person's choice for its category (notifications that ignore preferences always go).
bool Wants(const Preferences& preferences, const NotificationSpec& spec, Channel channel);

/// The rules beyond the document's shape, each problem added under its field: a locale must be
/// a tag whose language is one of `languages`; transactional messages keep at least one channel.
void CheckPreferences(const Preferences& preferences, const std::vector<std::string>& languages,
                      core::FieldErrors& errors);

}  // namespace vetahut::notification
