#include "services/integration/journal_service.hpp"

#include <date/tz.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "lib/auth/secrets.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "services/integration/events.hpp"
#include "services/integration/journal_format.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using core::Error;
using core::Fail;

/// A store's business day in UTC: [local midnight, next local midnight). A midnight that does not
/// exist (a DST jump at 00:00) starts the day at the jump.
struct DayWindow {
  core::TimePoint from;
  core::TimePoint to;
};

std::optional<date::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
  const unsigned d = static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))));
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok() || y < 2000) return std::nullopt;
  return ymd;
}

DayWindow WindowOf(const date::time_zone* zone, date::year_month_day day) {
  const date::local_days start{day};
  auto from = zone->to_sys(start, date::choose::earliest);
  auto to = zone->to_sys(start + date::days{1}, date::choose::earliest);
  return {date::floor<std::chrono::microseconds>(from), date::floor<std::chrono::microseconds>(to)};
}

std::string LocalDate(const date::time_zone* zone, std::int64_t at_us) {
  const core::TimePoint t{std::chrono::microseconds(at_us)};
  return date::format("%F", date::floor<date::days>(zone->to_local(t)));
}

/// Store ids come from the store directory, but they also become folder names: only id characters.
bool SafeForPath(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string DownloadPath(const std::string& store_id, const std::string& business_date, const char* format) {
  return fmt::format("/api/v1/admin/exports/sales-journals/{}/{}?format={}", store_id, business_date, format);
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const fs::path target(path);
  fs::create_directories(target.parent_path());
  const std::string temp = path + ".tmp-" + auth::RandomToken(9);
  auto fail = [&](const char* what) {
    const std::string why = std::strerror(errno);
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw std::runtime_error(fmt::format("cannot write {}: {} failed: {}", path, what, why));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("open");
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("fsync");
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename");
  // The rename is durable once the folder is synced too.
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

JournalService::JournalService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                               location::StoreDirectoryClient& stores, WebhookService& webhooks, JournalOptions options)
    : db_(db), clock_(clock), ids_(ids), stores_(stores), webhooks_(webhooks), options_(std::move(options)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

void JournalService::RecordConfirmed(db::Session& tx, const order::events::OrderConfirmed& e) {
  ConfirmedSale c;
  c.store_id = e.store_id;
  SaleRecord& s = c.sale;
  s.order_id = e.order_id;
  s.number = e.number;
  s.placed_business_date = e.business_date;
  s.order_type = e.type;
  s.channel = e.channel;
  s.payment_method = e.payment_method;
  s.currency = e.total.currency;
  s.subtotal = e.subtotal.amount;
  s.discount = e.discount_total.amount;
  s.tax = e.tax_total.amount;
  s.delivery_fee = e.delivery_fee.amount;
  s.tip = e.tip.amount;
  s.total = e.total.amount;
  s.tax_included = TaxIncluded(s.subtotal, s.discount, s.tax, s.delivery_fee, s.tip, s.total);
  std::vector<LineTax> lines;
  for (const auto& l : e.lines) {
    LineTax t;
    t.line_total = l.line_total.amount;
    if (l.discount) t.discount = l.discount->amount;
    if (l.net) t.net = l.net->amount;
    if (l.tax) t.tax = l.tax->amount;
    t.tax_category = l.tax_category;
    lines.push_back(std::move(t));
  }
  s.taxes = OrderTaxes(lines, s.tax);
  repository_.UpsertSale(tx, c);
}

void JournalService::RecordCompleted(db::Session& tx, const order::events::OrderCompleted& e,
                                     const bus::CloudEvent& event) {
  const core::TimePoint at = core::ParseRfc3339(e.at).value_or(event.time);
  repository_.Complete(tx, e.order_id, e.store_id, core::FormatRfc3339(at), Micros(at));
}

void JournalService::RecordRefund(db::Session& tx, const payment::events::PaymentRefunded& e,
                                  const bus::CloudEvent& event) {
  NewRefund n;
  n.refund = {event.id, e.order_id, e.payment_id, e.method, e.currency, core::FormatRfc3339(event.time), e.amount};
  n.refunded_us = Micros(event.time);
  repository_.InsertRefund(tx, n);
}

std::string JournalService::PathOf(const std::string& store_id, const std::string& business_date,
                                   const std::string& extension) const {
  return (fs::path(options_.exports_dir) / "sales-journals" / store_id / (business_date + "." + extension)).string();
}

core::Result<ProducedJournal> JournalService::Produce(const std::string& store_id, const std::string& business_date,
                                                      const std::string& by) {
  const auto day = ParseDate(business_date);
  if (!day) return Fail(Error::Validation({{"business_date", "must be a date YYYY-MM-DD from the year 2000 on"}}));
  auto store = stores_.GetStore(store_id);
  if (!store) {
    if (store.error().code == core::ErrorCode::kNotFound) {
      return Fail(Error::Validation({{"store_id", fmt::format("no store '{}'", store_id)}}));
    }
    return Fail(store.error());
  }
  if (!SafeForPath(store->id)) return Fail(Error::Internal("store id '" + store->id + "' cannot name a folder"));
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(store->time_zone);
  } catch (const std::exception&) {
    return Fail(Error::Internal(fmt::format("store {} has an unknown time zone '{}'", store->id, store->time_zone)));
  }
  const DayWindow window = WindowOf(zone, *day);
  const auto now = clock_.Now();
  if (window.from > now) {
    return Fail(Error::Validation({{"business_date", fmt::format("{} has not begun in the store's time zone ({})",
                                                                 business_date, store->time_zone)}}));
  }

  std::lock_guard lock(produce_mutex_);
  JournalHeader header{store->id, store->time_zone, business_date, core::FormatRfc3339(window.from),
                       core::FormatRfc3339(window.to), now >= window.to, store->currency};
  auto journal = BuildJournal(header, repository_.Sales(db_, store->id, Micros(window.from), Micros(window.to)),
                              repository_.Refunds(db_, store->id, Micros(window.from), Micros(window.to)));
  if (!journal) return Fail(journal.error());
  const std::string json_text = JournalJson(*journal);
  const std::string csv_text = JournalCsv(*journal);
  ProducedJournal out;
  out.json_path = PathOf(store->id, business_date, "json");
  out.csv_path = PathOf(store->id, business_date, "csv");
  WriteFileAtomically(out.json_path, json_text);
  WriteFileAtomically(out.csv_path, csv_text);

  JournalRow row;
  row.store_id = store->id;
  row.business_date = business_date;
  row.currency = store->currency;
  row.closed = header.closed;
  row.json_sha256 = Sha256Hex(json_text);
  row.csv_sha256 = Sha256Hex(csv_text);
  row.orders = journal->totals.orders;
  row.net_total = journal->totals.net_total;
  row.generated_at = core::FormatRfc3339(now);
  row.generated_by = by;

  auto tx = db_.Begin();
  const auto previous = repository_.FindJournal(tx, store->id, business_date);
  out.changed = !previous || previous->json_sha256 != row.json_sha256 || previous->csv_sha256 != row.csv_sha256;
  int queued = 0;
  if (out.changed) {
    row.revision = previous ? previous->revision + 1 : 1;
    json::value embedded = nullptr;
    if (json_text.size() <= options_.max_payload_bytes) embedded = json::parse(json_text);
    json::object data{
        {"store_id", row.store_id},
        {"business_date", business_date},
        {"revision", row.revision},
        {"closed", row.closed},
        {"currency", row.currency},
        {"totals", json::parse(json_text).at("totals")},
        {"files", json::object{{"json", json::object{{"path", DownloadPath(row.store_id, business_date, "json")},
                                                     {"sha256", row.json_sha256}}},
                               {"csv", json::object{{"path", DownloadPath(row.store_id, business_date, "csv")},
                                                    {"sha256", row.csv_sha256}}}}},
        {"journal", std::move(embedded)}};
    const bus::CloudEvent event =
        bus::MakeEvent(ids_, clock_, std::string(events::kSource), std::string(events::kSalesJournalType),
                       row.store_id + "/" + business_date, json_text::Serialize(data));
    row.event_id = event.id;
    queued = webhooks_.Record(tx, event);
    repository_.SaveJournal(tx, row);
  } else {
    row = *previous;
  }
  if (header.closed) repository_.MarkJournaled(tx, store->id, Micros(window.from), Micros(window.to), business_date);
  tx.Commit();
  if (queued > 0) webhooks_.Wake();
  log::Info("sales journal made", {{"store_id", row.store_id}, {"business_date", business_date},
                                   {"revision", row.revision}, {"changed", out.changed}, {"closed", row.closed},
                                   {"orders", row.orders}, {"by", by}});
  out.row = std::move(row);
  out.journal = std::move(*journal);
  return out;
}

int JournalService::CloseDays() {
  const auto now = clock_.Now();
  std::map<std::string, std::set<std::string>> due;  // store → days
  std::map<std::string, const date::time_zone*> zones;
  for (const auto& fact : repository_.OpenFacts(db_, 5000)) {
    auto zone_it = zones.find(fact.store_id);
    if (zone_it == zones.end()) {
      const date::time_zone* zone = nullptr;
      auto store = stores_.GetStore(fact.store_id);
      if (store) {
        try {
          zone = date::locate_zone(store->time_zone);
        } catch (const std::exception&) {
          zone = nullptr;
        }
      }
      if (!zone) log::Warn("sales journal: store unknown or without a zone", {{"store_id", fact.store_id}});
      zone_it = zones.emplace(fact.store_id, zone).first;
    }
    if (!zone_it->second) continue;
    const std::string day = LocalDate(zone_it->second, fact.at_us);
    const DayWindow window = WindowOf(zone_it->second, *ParseDate(day));
    if (now >= window.to + options_.grace) due[fact.store_id].insert(day);
  }
  int made = 0;
  for (const auto& [store_id, days] : due) {
    for (const auto& day : days) {
      auto produced = Produce(store_id, day, "schedule");
      if (!produced) {
        log::Error("sales journal failed", {{"store_id", store_id}, {"business_date", day}, {"error", produced.error().detail}});
        continue;
      }
      ++made;
    }
  }
  return made;
}

core::Result<JournalRow> JournalService::Get(const std::string& store_id, const std::string& business_date) {
  auto row = repository_.FindJournal(db_, store_id, business_date);
  if (!row) return Fail(Error::NotFound(fmt::format("no sales journal of store '{}' for '{}'", store_id, business_date)));
  return *row;
}

std::vector<JournalRow> JournalService::List(const std::string& store_id, int limit,
                                             const std::optional<std::pair<std::string, std::string>>& after) {
  return repository_.Journals(db_, store_id, limit, after);
}

core::Result<JournalFile> JournalService::Read(const std::string& store_id, const std::string& business_date,
                                               const std::string& format) {
  auto row = Get(store_id, business_date);
  if (!row) return Fail(row.error());
  // The path comes from the stored row, never from the request's text.
  const std::string path = PathOf(row->store_id, row->business_date, format);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Error::NotFound(fmt::format(
        "the {} file of this journal is not in this process's exports folder: make it again with "
        "POST /api/v1/admin/exports/sales-journal",
        format)));
  }
  JournalFile file;
  file.bytes.assign(std::istreambuf_iterator<char>(in), {});
  file.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/json";
  file.file_name = fmt::format("sales-journal-{}-{}.{}", row->store_id, row->business_date, format);
  return file;
}

}  // namespace vetahut::integration
