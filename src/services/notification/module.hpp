#pragma once
/// The notification service as a module: email, SMS and in-app messages for orders, account
/// security and low stock, exactly once per event, notification, channel and recipient
/// (decisions 0023, 0024). Needs "stores" and "customer"; provides nothing others call. Its
/// settings (section [notification]) live here.
#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/module/module.hpp"

namespace vetahut::notification {

/// Section [notification].
struct NotificationSettings {
  std::string email = "file";  ///< file (.eml under <data_dir>/outbox) | smtp | off
  std::string sms = "file";    ///< file (.sms.txt under <data_dir>/outbox) | twilio | off
  std::string mail_from = "orders@vetahut.local";  ///< envelope sender and From address
  std::string mail_from_name = "Veta Hut";         ///< From display name
  std::string message_id_domain;  ///< right-hand side of Message-IDs ("" = mail_from's domain)
  std::string smtp_url =
      "smtp://127.0.0.1:25";     ///< smtp://host:port (STARTTLS per smtp_tls) or smtps://
  std::string smtp_username;     ///< "" = no AUTH
  std::string smtp_password;     ///< never logged
  std::string smtp_tls = "try";  ///< try | required | none (STARTTLS on smtp://)
  int smtp_timeout_ms = 30000;   ///< one message, connection included
  std::string sms_api_base = "https://api.twilio.com";  ///< Twilio-compatible API
  std::string sms_account_sid;  ///< basic-auth user and the account in the URL
  std::string sms_auth_token;   ///< never logged
  std::string sms_from;         ///< E.164 sender, or a messaging service SID (MG…)
  int sms_timeout_ms = 10000;
  std::string templates_dir;  ///< files here override the embedded templates ("" = embedded only)
  std::string default_locale = "en";                   ///< language for people who chose none
  std::string brand = "Veta Hut";                      ///< the name messages are signed with
  std::string web_base_url = "http://127.0.0.1:8080";  ///< where links in messages point
  int max_attempts = 8;                                ///< sends per message before it is dead
  int retry_first_ms = 30000;    ///< wait after the first failure; doubles (±25 %)
  int retry_max_ms = 3600000;    ///< the longest wait between attempts
  int email_per_hour = 30;       ///< emails to one address per throttle window
  int sms_per_hour = 10;         ///< SMS to one number per throttle window
  int throttle_window_s = 3600;  ///< the throttle's window
  int claim_lease_s = 120;       ///< a sender that died mid-send is replaced after this
  int retention_days = 90;       ///< finished deliveries and read in-app items are kept this long
};

const config::Schema<NotificationSettings>& NotificationSchema();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::notification
