// Retries, the throttle, quiet hours (across midnight and daylight-saving changes), preferences and
// the dedupe key: the rules that decide when and whether a message goes.
#include "services/notification/domain/delivery_rules.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "services/notification/domain/catalog.hpp"
#include "services/notification/domain/preferences.hpp"

namespace vetahut::notification {
namespace {

using namespace std::chrono;

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }

TEST(RetryDelay, DoublesFromTheFirstDelayUpToTheCap) {
  RetryPolicy p{
      .first_delay = seconds(30), .max_delay = minutes(10), .max_attempts = 8, .jitter = 0.25};
  EXPECT_EQ(RetryDelay(p, 1, 0.5), seconds(30));
  EXPECT_EQ(RetryDelay(p, 2, 0.5), seconds(60));
  EXPECT_EQ(RetryDelay(p, 3, 0.5), seconds(120));
  EXPECT_EQ(RetryDelay(p, 5, 0.5), seconds(480));
  EXPECT_EQ(RetryDelay(p, 6, 0.5), minutes(10));   // 960 s capped
  EXPECT_EQ(RetryDelay(p, 60, 0.5), minutes(10));  // no overflow far out
}

TEST(RetryDelay, JitterMovesTheDelayByAtMostAQuarterEitherWay) {
  RetryPolicy p{
      .first_delay = seconds(40), .max_delay = hours(1), .max_attempts = 8, .jitter = 0.25};
  EXPECT_EQ(RetryDelay(p, 1, 0.0), seconds(30));
  EXPECT_EQ(RetryDelay(p, 1, 0.999999), milliseconds(49999) + milliseconds(1));
  EXPECT_EQ(RetryDelay(p, 1, 0.75), seconds(45));
  // Two senders failing at once do not retry in lockstep.
  EXPECT_NE(RetryDelay(p, 3, 0.1), RetryDelay(p, 3, 0.9));
}

TEST(RetryDelay, GivesUpAfterTheLastAttempt) {
  RetryPolicy p{.max_attempts = 3};
  EXPECT_FALSE(GivesUp(p, 1));
  EXPECT_FALSE(GivesUp(p, 2));
  EXPECT_TRUE(GivesUp(p, 3));
}

TEST(Throttle, AllowsUpToTheLimitInTheWindow) {
  ThrottleRule rule{.max_messages = 3, .window = hours(1)};
  EXPECT_TRUE(ThrottleAllows(rule, 0));
  EXPECT_TRUE(ThrottleAllows(rule, 2));
  EXPECT_FALSE(ThrottleAllows(rule, 3));
  EXPECT_FALSE(ThrottleAllows(rule, 500));
}

TEST(QuietHours, ClockTimesParseStrictly) {
  EXPECT_EQ(ParseClock("22:00"), 1320);
  EXPECT_EQ(ParseClock("00:00"), 0);
  EXPECT_EQ(ParseClock("23:59"), 1439);
  for (const char* bad : {"24:00", "7:00", "07:60", "07-00", "0700", "", "07:00 ", "ab:cd"}) {
    EXPECT_FALSE(ParseClock(bad)) << bad;
  }
  EXPECT_EQ(FormatClock(425), "07:05");
}

TEST(QuietHours, AcrossMidnightInTheStoresZone) {
  const auto* chicago = date::locate_zone("America/Chicago");
  const QuietHours quiet{22 * 60, 7 * 60};
  // 23:30 in Chicago (CST, UTC−6) on 2026-01-14: quiet until 07:00 the next morning.
  EXPECT_EQ(QuietUntil(quiet, Utc("2026-01-15T05:30:00Z"), chicago), Utc("2026-01-15T13:00:00Z"));
  // 06:59: one more minute.
  EXPECT_EQ(QuietUntil(quiet, Utc("2026-01-15T12:59:00Z"), chicago), Utc("2026-01-15T13:00:00Z"));
  // 07:00 and noon are not quiet.
  EXPECT_FALSE(QuietUntil(quiet, Utc("2026-01-15T13:00:00Z"), chicago));
  EXPECT_FALSE(QuietUntil(quiet, Utc("2026-01-15T18:00:00Z"), chicago));
  // The same instant is not quiet in UTC (05:30 is, 18:00 is not: the zone matters).
  EXPECT_EQ(QuietUntil(quiet, Utc("2026-01-15T18:00:00Z"), nullptr), std::nullopt);
  EXPECT_EQ(QuietUntil(quiet, Utc("2026-01-15T05:30:00Z"), nullptr), Utc("2026-01-15T07:00:00Z"));
}

TEST(QuietHours, WithinOneDay) {
  const QuietHours lunch{12 * 60, 14 * 60};
  EXPECT_EQ(QuietUntil(lunch, Utc("2026-01-15T12:30:00Z"), nullptr), Utc("2026-01-15T14:00:00Z"));
  EXPECT_FALSE(QuietUntil(lunch, Utc("2026-01-15T11:59:00Z"), nullptr));
  EXPECT_FALSE(QuietUntil(lunch, Utc("2026-01-15T14:00:00Z"), nullptr));
}

TEST(QuietHours, EndWhenTheClocksSpringOverTheEndTime) {
  // Berlin on 2026-03-29: 02:00 jumps to 03:00. Quiet hours ending at 02:30 end at the jump.
  const auto* berlin = date::locate_zone("Europe/Berlin");
  const QuietHours quiet{22 * 60, 2 * 60 + 30};
  EXPECT_EQ(QuietUntil(quiet, Utc("2026-03-28T23:00:00Z"), berlin), Utc("2026-03-29T01:00:00Z"));
  // In summer time (UTC+2) 07:00 local is 05:00 UTC.
  EXPECT_EQ(QuietUntil(QuietHours{22 * 60, 7 * 60}, Utc("2026-07-01T01:00:00Z"), berlin),
            Utc("2026-07-01T05:00:00Z"));
}

TEST(Preferences, TransactionalMessagesCannotBeSwitchedOffButChannelsCanBeChosen) {
  const auto& confirmed = *FindNotification("order_confirmed");
  Preferences p;
  EXPECT_TRUE(Wants(p, confirmed, Channel::kEmail));
  EXPECT_FALSE(Wants(p, confirmed, Channel::kSms));
  EXPECT_TRUE(Wants(p, confirmed, Channel::kInApp));
  p.transactional = {false, true, false};
  EXPECT_FALSE(Wants(p, confirmed, Channel::kEmail));
  EXPECT_TRUE(Wants(p, confirmed, Channel::kSms));
  core::FieldErrors ok;
  CheckPreferences(p, {"de", "en", "es"}, ok);
  EXPECT_TRUE(ok.empty());
  p.transactional = {};
  core::FieldErrors none;
  CheckPreferences(p, {"de", "en", "es"}, none);
  ASSERT_EQ(none.list().size(), 1u);
  EXPECT_EQ(none.list()[0].field, "channels");
}

TEST(Preferences, AccountSecurityMessagesGoByEmailWhateverWasChosen) {
  Preferences p;
  p.transactional = {false, true, false};
  EXPECT_TRUE(Wants(p, *FindNotification("password_reset"), Channel::kEmail));
  EXPECT_FALSE(Wants(p, *FindNotification("password_reset"),
                     Channel::kSms));  // never by SMS: not its channel
}

TEST(Preferences, LocalesMustBeTagsOfALanguageWeWriteIn) {
  auto field_errors = [](std::string locale) {
    Preferences p;
    p.locale = std::move(locale);
    core::FieldErrors errors;
    CheckPreferences(p, {"de", "en", "es"}, errors);
    return errors.list();
  };
  EXPECT_TRUE(field_errors("es").empty());
  EXPECT_TRUE(field_errors("es-MX").empty());
  EXPECT_TRUE(field_errors("de-DE").empty());
  EXPECT_TRUE(field_errors("").empty());  // the platform's default
  for (const char* bad : {"fr", "e", "español", "es_MX", "es-", "12", "en-USA1"}) {
    auto errors = field_errors(bad);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].field, "locale") << bad;
  }
}

TEST(Preferences, QuietHoursMustHaveALength) {
  Preferences p;
  p.quiet_hours = QuietHours{600, 600};
  core::FieldErrors errors;
  CheckPreferences(p, {"en"}, errors);
  ASSERT_EQ(errors.list().size(), 1u);
  EXPECT_EQ(errors.list()[0].field, "quiet_hours");
}

TEST(DedupeKey, IsOnePerEventNotificationChannelAndRecipient) {
  const auto key = DedupeKey("evt_1", "order_confirmed", Channel::kEmail, "cus_1");
  EXPECT_EQ(key, "evt_1/order_confirmed/email/cus_1");
  EXPECT_EQ(key, DedupeKey("evt_1", "order_confirmed", Channel::kEmail, "cus_1"));
  EXPECT_NE(key, DedupeKey("evt_2", "order_confirmed", Channel::kEmail, "cus_1"));
  EXPECT_NE(key, DedupeKey("evt_1", "order_confirmed", Channel::kSms, "cus_1"));
  EXPECT_NE(key, DedupeKey("evt_1", "order_confirmed", Channel::kEmail, "cus_2"));
  EXPECT_NE(key, DedupeKey("evt_1", "order_ready", Channel::kEmail, "cus_1"));
}

TEST(Catalog, UrgentMessagesAreTheOnesAPersonIsWaitingFor) {
  for (const char* urgent : {"order_confirmed", "order_ready", "order_out_for_delivery",
                             "order_rejected", "email_verification", "password_reset"}) {
    EXPECT_TRUE(FindNotification(urgent)->urgent) << urgent;
  }
  for (const char* can_wait : {"order_delivered", "order_refunded", "low_stock"}) {
    EXPECT_FALSE(FindNotification(can_wait)->urgent) << can_wait;
  }
  EXPECT_TRUE(FindNotification("password_reset")->sensitive);
  EXPECT_EQ(FindNotification("nope"), nullptr);
}

}  // namespace
}  // namespace vetahut::notification
