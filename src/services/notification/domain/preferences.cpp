#include "services/notification/domain/preferences.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "services/notification/domain/locale_format.hpp"

namespace vetahut::notification {

bool Wants(const Preferences& preferences, const NotificationSpec& spec, Channel channel) {
  if (std::find(spec.channels.begin(), spec.channels.end(), channel) == spec.channels.end())
    return false;
  if (spec.ignores_preferences) return true;
  const ChannelSet& chosen =
      spec.category == Category::kMarketing ? preferences.marketing : preferences.transactional;
  return chosen.Has(channel);
}

void CheckPreferences(const Preferences& preferences, const std::vector<std::string>& languages,
                      core::FieldErrors& errors) {
  if (!preferences.locale.empty()) {
    if (!IsLocaleTag(preferences.locale)) {
      errors.Add("locale", "must be a language tag such as \"en\" or \"es-MX\"");
    } else if (std::find(languages.begin(), languages.end(), LanguageOf(preferences.locale)) ==
               languages.end()) {
      errors.Add("locale", fmt::format("must be one of the languages messages are written in: {}",
                                       fmt::join(languages, ", ")));
    }
  }
  if (!preferences.transactional.Any()) {
    errors.Add("channels",
               "transactional messages (orders, account security) cannot be switched off: keep at "
               "least one channel");
  }
  if (preferences.quiet_hours &&
      preferences.quiet_hours->start_minute == preferences.quiet_hours->end_minute) {
    errors.Add("quiet_hours", "start and end must differ");
  }
}

}  // namespace vetahut::notification
