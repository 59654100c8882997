#include "services/notification/channels/smtp_channel.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include "services/notification/channels/mime.hpp"

namespace vetahut::notification {
namespace {

/// Frees what one transfer allocated, whatever path it leaves by.
struct Transfer {
  curl_slist* recipients = nullptr;
  curl_slist* headers = nullptr;
  curl_mime* mime = nullptr;
  ~Transfer() {
    curl_slist_free_all(recipients);
    curl_slist_free_all(headers);
    curl_mime_free(mime);
  }
};

/// Fails the way the sender needs to know: retry later (kUnavailable) or never.
core::Error Failure(CURLcode code, long reply, const char* detail) {
  std::string text = fmt::format("smtp: {}{}", curl_easy_strerror(code),
                                 *detail ? fmt::format(" ({})", detail) : "");
  if (reply > 0) text += fmt::format("; last reply {}", reply);
  // A 5xx reply is the server's final word (mailbox unknown, message refused, bad credentials);
  // a 4xx reply or no reply at all (refused, timed out, TLS) may pass later.
  const bool permanent = reply >= 500 || code == CURLE_LOGIN_DENIED ||
                         code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL;
  return permanent ? core::Error{core::ErrorCode::kBadRequest, text, {}}
                   : core::Error::Unavailable(text);
}

}  // namespace

SmtpChannel::SmtpChannel(SmtpOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (options_.message_id_domain.empty())
    options_.message_id_domain = DomainOf(options_.from_address);
}

SmtpChannel::~SmtpChannel() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

core::Result<Receipt> SmtpChannel::Send(const OutgoingMessage& message) {
  std::lock_guard lock(mutex_);
  if (!curl_) curl_ = curl_easy_init();
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) return core::Fail(core::Error::Unavailable("smtp: cannot create a curl handle"));
  curl_easy_reset(curl);  // keeps the connection cache: the next message reuses the session

  MailMessage mail;
  mail.from_address = options_.from_address;
  mail.from_name = options_.from_name;
  mail.to_address = message.address;
  mail.to_name = message.name;
  mail.subject = message.subject;
  mail.message_id = MessageIdFor(message.dedupe_key, options_.message_id_domain);
  mail.date = message.created_at;
  mail.extra_headers = {{"X-Vetahut-Notification", message.notification}};

  Transfer t;
  t.recipients = curl_slist_append(nullptr, ("<" + message.address + ">").c_str());
  // curl writes each header line as given; encoded words are joined by a space rather than
  // folded, so no line break ever comes from a value (RFC 5322 allows lines up to 998).
  for (const auto& line : HeaderLines(mail, " "))
    t.headers = curl_slist_append(t.headers, line.c_str());

  // multipart/alternative inside the message: text first, HTML second (the preferred last).
  t.mime = curl_mime_init(curl);
  curl_mime* alternative = curl_mime_init(curl);
  curl_mimepart* text = curl_mime_addpart(alternative);
  curl_mime_data(text, message.text.data(), message.text.size());
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  curl_mimepart* html = curl_mime_addpart(alternative);
  curl_mime_data(html, message.html.data(), message.html.size());
  curl_mime_type(html, "text/html; charset=utf-8");
  curl_mime_encoder(html, "quoted-printable");
  curl_mimepart* body = curl_mime_addpart(t.mime);
  curl_mime_subparts(body, alternative);  // t.mime owns it from here
  curl_mime_type(body, "multipart/alternative");
  curl_slist* inline_disposition = curl_slist_append(nullptr, "Content-Disposition: inline");
  curl_mime_headers(body, inline_disposition, 1);

  char error[CURL_ERROR_SIZE] = {0};
  const std::string from = "<" + options_.from_address + ">";
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, t.recipients);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, t.mime);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  const long use_ssl = options_.tls == "required" ? CURLUSESSL_ALL
                       : options_.tls == "none"   ? CURLUSESSL_NONE
                                                  : CURLUSESSL_TRY;
  curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode code = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  // Nothing of this transfer may outlive it in the reused handle.
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    // After a failure the session may be in any state: the next message starts a new one.
    curl_easy_cleanup(curl);
    curl_ = nullptr;
    return core::Fail(Failure(code, reply, error));
  }
  return Receipt{mail.message_id};
}

}  // namespace vetahut::notification
