#include "services/location/http_client.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/http/client.hpp"

namespace vetahut::location {
namespace {

namespace json = boost::json;

core::Result<StoreSummary> FromObject(const json::object& o) {
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  };
  StoreSummary s;
  for (auto [key, out] : {std::pair{"id", &s.id}, std::pair{"name", &s.name}, std::pair{"currency", &s.currency},
                          std::pair{"locale", &s.locale}, std::pair{"timezone", &s.time_zone}}) {
    auto value = text(key);
    if (!value) return core::Fail(core::Error::BadRequest(fmt::format("store: {} is missing", key)));
    *out = *value;
  }
  s.phone = text("phone").value_or("");
  const json::value* lat = o.if_contains("latitude");
  const json::value* lon = o.if_contains("longitude");
  if (!lat || !lon || !lat->is_number() || !lon->is_number()) {
    return core::Fail(core::Error::BadRequest("store: latitude and longitude are missing"));
  }
  s.latitude = lat->to_number<double>();
  s.longitude = lon->to_number<double>();
  if (const json::value* services = o.if_contains("services"); services && services->is_array()) {
    for (const auto& sv : services->get_array()) {
      if (!sv.is_string()) continue;
      for (auto type : {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn}) {
        if (ServiceTypeName(type) == sv.get_string()) s.services.push_back(type);
      }
    }
  }
  return s;
}

}  // namespace

core::Result<StoreSummary> StoreSummaryFromJson(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return core::Fail(core::Error::BadRequest("store: not a JSON object"));
  return FromObject(v.get_object());
}

HttpStoreDirectory::HttpStoreDirectory(std::string base_url, const core::Clock& clock, std::chrono::seconds ttl)
    : base_url_(std::move(base_url)), clock_(clock), ttl_(ttl), http_(std::make_unique<http::HttpClient>()) {
  while (base_url_.ends_with('/')) base_url_.pop_back();
}

HttpStoreDirectory::~HttpStoreDirectory() = default;

core::Result<StoreSummary> HttpStoreDirectory::GetStore(const std::string& store_id) {
  const auto now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(store_id); it != cache_.end() && now - it->second.first < ttl_) return it->second.second;
  }
  // Ids are opaque but URL-safe in this platform; anything else cannot be a store.
  for (char c : store_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
    }
  }
  auto response = http_->Get(fmt::format("{}/api/v1/stores/{}", base_url_, store_id));
  if (!response) return core::Fail(core::Error::Unavailable("the location service is unreachable: " + response.error().detail));
  if (response->status == 404) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  if (response->status != 200) {
    return core::Fail(core::Error::Unavailable(fmt::format("the location service answered {}", response->status)));
  }
  auto summary = StoreSummaryFromJson(response->body);
  if (!summary) return core::Fail(core::Error::Unavailable("the location service sent an unreadable store: " + summary.error().detail));
  std::lock_guard lock(mutex_);
  cache_[store_id] = {now, *summary};
  return summary;
}

core::Result<std::vector<StoreSummary>> HttpStoreDirectory::ListStores() {
  std::vector<StoreSummary> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    std::string url = fmt::format("{}/api/v1/stores?limit=100", base_url_);
    if (!cursor.empty()) url += "&cursor=" + cursor;
    auto response = http_->Get(url);
    if (!response) return core::Fail(core::Error::Unavailable("the location service is unreachable: " + response.error().detail));
    if (response->status != 200) {
      return core::Fail(core::Error::Unavailable(fmt::format("the location service answered {}", response->status)));
    }
    json::error_code ec;
    json::value v = json::parse(response->body, ec);
    const json::object* o = ec ? nullptr : v.if_object();
    const json::value* items = o ? o->if_contains("items") : nullptr;
    if (!items || !items->is_array()) return core::Fail(core::Error::Unavailable("the location service sent an unreadable list"));
    for (const auto& item : items->get_array()) {
      if (!item.is_object()) continue;
      auto summary = FromObject(item.get_object());
      if (!summary) return core::Fail(core::Error::Unavailable("the location service sent an unreadable store: " + summary.error().detail));
      out.push_back(std::move(*summary));
    }
    const json::value* next = o->if_contains("next_cursor");
    if (!next || !next->is_string() || next->get_string().empty()) break;
    cursor = std::string(next->get_string());
  }
  return out;
}

}  // namespace vetahut::location
