#include "services/menu/menu_service.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <date/tz.h>
#include <fmt/format.h>
#include <sodium.h>
#include <zlib.h>

#include "lib/log/log.hpp"
#include "services/menu/catalog_json.hpp"
#include "services/menu/events.hpp"
#include "services/menu/priced_cart.hpp"

namespace vetahut::menu {

namespace json = boost::json;
using core::Error;
using core::Fail;

namespace {

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }
std::optional<core::TimePoint> OptT(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return core::ParseRfc3339(*s);
}

/// How long a store's market, language and zone are trusted before the location service is asked
/// again (a store's currency or zone changing is an exceptional admin act).
constexpr std::chrono::seconds kStoreInfoTtl{10};

/// A strong ETag: a hash of the exact bytes served.
std::string ETagOf(std::string_view body) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return fmt::format("\"{}\"", hex);
}

}  // namespace

std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
  return out;
}

/// Everything the read side needs, replaced as a whole (copy-on-write).
struct MenuService::State {
  std::map<std::string, std::pair<std::string, std::shared_ptr<const Catalog>>> published;  ///< market → (version, catalog)
  std::map<std::string, std::pair<TaxMode, std::map<std::string, std::int64_t, std::less<>>>> settings;
  std::map<std::string, std::map<std::string, std::map<std::string, MinorUnits, std::less<>>, std::less<>>> product_prices;
  std::map<std::string, std::map<std::string, std::map<std::string, MinorUnits, std::less<>>, std::less<>>> topping_prices;
  std::map<std::string, std::map<std::string, Unavailability, std::less<>>> unavailable;
};

MenuService::MenuService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                         location::StoreDirectoryClient& stores, std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), stores_(stores), events_committed_(std::move(events_committed)),
      state_(std::make_shared<State>()) {}

void MenuService::Load() {
  auto state = std::make_shared<State>();
  auto tx = db_.Begin();
  for (const auto& r : repository_.Published(tx)) {
    auto parsed = ParseCatalog(json::parse(r.catalog_json));
    if (!parsed) throw core::ErrorException(Error::Internal("published menu " + r.version_id + " is unreadable"));
    auto catalog = std::make_shared<Catalog>(std::move(*parsed));
    catalog->BuildIndex();
    state->published[r.market] = {r.version_id, std::move(catalog)};
  }
  for (const auto& r : repository_.StoreSettings(tx)) {
    std::map<std::string, std::int64_t, std::less<>> rates;
    const json::value parsed = json::parse(r.tax_rates_json);  // must outlive the loop
    for (const auto& [k, v] : parsed.as_object()) rates[std::string(k)] = v.as_int64();
    state->settings[r.store_id] = {r.tax_mode == "inclusive" ? TaxMode::kInclusive : TaxMode::kExclusive, std::move(rates)};
  }
  for (const auto& r : repository_.PriceOverrides(tx)) {
    auto& target = r.kind == "topping" ? state->topping_prices : state->product_prices;
    target[r.store_id][r.item_id][r.size_id] = r.amount;
  }
  for (const auto& r : repository_.Unavailable(tx)) {
    state->unavailable[r.store_id][r.item_id] = {r.reason, OptT(r.until)};
  }
  tx.Commit();
  const std::string new_token = repository_.ChangeToken(db_);
  {
    std::unique_lock lock(state_mutex_);
    state_ = std::move(state);
    change_token_ = new_token;
  }
  Invalidate();
}

void MenuService::RefreshIfChanged() {
  const std::string token = repository_.ChangeToken(db_);
  {
    std::shared_lock lock(state_mutex_);
    if (token == change_token_) return;
  }
  Load();
}

std::shared_ptr<const MenuService::State> MenuService::Snapshot() const {
  std::shared_lock lock(state_mutex_);
  return state_;
}

void MenuService::Invalidate() {
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
}

std::optional<StoreInfo> MenuService::FindStore(const std::string& store_id) {
  const auto now = clock_.Now();
  {
    std::shared_lock lock(stores_mutex_);
    if (auto it = store_cache_.find(store_id); it != store_cache_.end() && now - it->second.first < kStoreInfoTtl) {
      return it->second.second;
    }
  }
  auto store = stores_.GetStore(store_id);
  if (!store) {
    if (store.error().code == core::ErrorCode::kNotFound) return std::nullopt;
    throw core::ErrorException(store.error());  // the location service is down: a 503, not a 404
  }
  StoreInfo info{store->id, store->currency, store->locale.substr(0, 2), nullptr};
  try {
    info.zone = date::locate_zone(store->time_zone);
  } catch (const std::exception&) {
    throw core::ErrorException(Error::Internal(fmt::format("store {} has an unknown time zone '{}'", store_id, store->time_zone)));
  }
  std::unique_lock lock(stores_mutex_);
  if (store_cache_.size() > 100'000) store_cache_.clear();
  store_cache_[store_id] = {now, info};
  return info;
}

namespace {
/// A market is a currency: anything else in a `{market}` path names nothing (404).
core::Status CheckMarket(const std::string& market) {
  if (!core::Currency::Find(market)) return Fail(Error::NotFound(fmt::format("no market '{}' (markets are ISO-4217 codes)", market)));
  return core::Ok();
}
}  // namespace

core::Result<VersionInfo> MenuService::SaveDraft(const std::string& market, const json::value& body, const std::string& actor) {
  if (auto known = CheckMarket(market); !known) return Fail(known.error());
  auto catalog = ParseCatalog(body);
  if (!catalog) return Fail(catalog.error());
  if (catalog->currency != market) {
    return Fail(Error::Validation({{"currency", fmt::format("must be {} for the {} market", market, market)}}));
  }
  const auto now = clock_.Now();
  const std::string canonical = CatalogToJson(*catalog);
  auto tx = db_.Begin();
  auto existing = repository_.Draft(tx, market);
  VersionInfo v{existing ? existing->id : ids_.Next("mnv"), market, "draft", actor, now, std::nullopt, std::nullopt};
  if (!existing) {
    repository_.InsertDraft(tx, v, canonical);
  } else {
    repository_.UpdateDraft(tx, v, canonical, now);
  }
  tx.Commit();
  return v;
}

core::Result<std::string> MenuService::DraftJson(const std::string& market) const {
  if (auto known = CheckMarket(market); !known) return Fail(known.error());
  auto catalog = repository_.DraftCatalog(db_, market);
  if (!catalog) return Fail(Error::NotFound(fmt::format("the {} market has no draft", market)));
  return std::move(*catalog);
}

core::Result<std::string> MenuService::LiveJson(const std::string& market) const {
  if (auto known = CheckMarket(market); !known) return Fail(known.error());
  auto catalog = repository_.LiveCatalog(db_, market);
  if (!catalog) return Fail(Error::NotFound(fmt::format("the {} market has no published menu", market)));
  return std::move(*catalog);
}

core::Result<VersionInfo> MenuService::Publish(const std::string& market, std::optional<core::TimePoint> at,
                                               const std::string& actor) {
  if (auto known = CheckMarket(market); !known) return Fail(known.error());
  const auto now = clock_.Now();
  if (at && *at <= now) return Fail(Error::Validation({{"publish_at", "must be in the future (omit it to publish now)"}}));
  auto tx = db_.Begin();
  auto draft = repository_.Draft(tx, market);
  if (!draft) return Fail(Error::Conflict(fmt::format("the {} market has no draft to publish", market)));
  VersionInfo v = *draft;
  if (at) {
    repository_.Schedule(tx, v.id, *at, now);
    v.status = "scheduled";
    v.publish_at = at;
    tx.Commit();
    return v;
  }
  repository_.MakeLive(tx, v.id, market, now);
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, v.id, events::MenuPublished{market, v.id, actor}));
  tx.Commit();
  if (events_committed_) events_committed_();
  v.status = "published";
  v.published_at = now;
  Load();
  return v;
}

int MenuService::PublishDue() {
  const auto now = clock_.Now();
  int published = 0;
  for (const auto& due : repository_.DueScheduled(db_, now)) {
    auto tx = db_.Begin();
    // Only if still scheduled: another replica may have published it.
    if (!repository_.ClaimScheduled(tx, due.version_id)) continue;
    repository_.MakeLive(tx, due.version_id, due.market, now);
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, due.version_id,
                                        events::MenuPublished{due.market, due.version_id, "schedule"}));
    tx.Commit();
    ++published;
  }
  if (published > 0) {
    if (events_committed_) events_committed_();
    Load();
  }
  return published;
}

std::vector<VersionInfo> MenuService::Versions(const std::string& market) const {
  return repository_.Versions(db_, market, 50);
}

core::Result<std::vector<VersionInfo>> MenuService::ListVersions(const std::string& market, int limit,
                                                                 const std::string& cursor) const {
  if (auto known = CheckMarket(market); !known) return Fail(known.error());
  return repository_.Versions(db_, market, limit, cursor);
}

core::Result<std::shared_ptr<const Catalog>> MenuService::PublishedCatalogFor(const std::string& store_id) {
  auto info = FindStore(store_id);
  if (!info) return Fail(Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  auto state = Snapshot();
  auto menu = state->published.find(info->currency);
  if (menu == state->published.end()) return Fail(Error::Conflict(fmt::format("no published menu for {}", info->currency)));
  return menu->second.second;
}

core::Status MenuService::SetAvailability(const std::string& store_id, const std::string& item_id, bool available,
                                          const std::string& reason, std::optional<core::TimePoint> until) {
  auto catalog = PublishedCatalogFor(store_id);
  if (!catalog) return Fail(catalog.error());
  const Catalog& c = **catalog;
  if (!c.FindProduct(item_id) && !c.FindTopping(item_id) && !c.FindCrust(item_id) && !c.FindDeal(item_id)) {
    return Fail(Error::NotFound(fmt::format("'{}' is not a product, topping, crust or deal of the published menu", item_id)));
  }
  core::FieldErrors errors;
  if (!available && reason.empty()) errors.Add("reason", "is required when making an item unavailable, e.g. \"out of dough\"");
  if (reason.size() > 200) errors.Add("reason", "must be at most 200 characters");
  if (until && *until <= clock_.Now()) errors.Add("until", "must be in the future");
  if (available && until) errors.Add("until", "only applies when making an item unavailable");
  if (!errors.empty()) return Fail(errors.ToError());
  const auto now = clock_.Now();
  auto tx = db_.Begin();
  std::optional<std::string> until_text;
  if (until) until_text = T(*until);
  if (available) {
    if (repository_.DeleteUnavailable(tx, store_id, item_id) == 0) {
      return core::Ok();  // already available: nothing changes, no event
    }
  } else {
    repository_.UpsertUnavailable(tx, {store_id, item_id, reason, until_text}, now);
  }
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, item_id,
                                      events::ItemAvailabilityChanged{store_id, item_id, available, reason, until_text}));
  tx.Commit();
  if (events_committed_) events_committed_();
  Load();
  return core::Ok();
}

core::Status MenuService::SetPrice(const std::string& store_id, const std::string& kind, const std::string& item_id,
                                   const std::string& size_id, std::optional<std::int64_t> amount) {
  auto catalog = PublishedCatalogFor(store_id);
  if (!catalog) return Fail(catalog.error());
  const Catalog& c = **catalog;
  core::FieldErrors errors;
  if (kind != "product" && kind != "topping") errors.Add("kind", "must be product or topping");
  if (kind == "product" && !c.FindProduct(item_id)) errors.Add("item_id", "is not a product of the published menu");
  if (kind == "topping" && !c.FindTopping(item_id)) errors.Add("item_id", "is not a topping of the published menu");
  if (!c.FindSize(size_id)) errors.Add("size", "is not a size of the published menu");
  if (amount && (*amount < 0 || *amount > 100'000'00)) errors.Add("price.amount", "must be between 0 and 100000.00");
  if (!errors.empty()) return Fail(errors.ToError());
  auto tx = db_.Begin();
  if (amount) {
    repository_.UpsertPrice(tx, {store_id, kind, item_id, size_id, *amount});
  } else {
    repository_.DeletePrice(tx, store_id, kind, item_id, size_id);
  }
  tx.Commit();
  Load();
  return core::Ok();
}

core::Status MenuService::SetTaxSettings(const std::string& store_id, TaxMode mode,
                                         std::map<std::string, std::int64_t, std::less<>> rates) {
  if (!FindStore(store_id)) return Fail(Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  core::FieldErrors errors;
  for (const auto& [category, rate] : rates) {
    if (rate < 0 || rate > 50'000) errors.Add("tax_rates." + category, "must be between 0 and 50000 (0–50 %)");
  }
  if (!errors.empty()) return Fail(errors.ToError());
  json::object r;
  for (const auto& [k, v] : rates) r[k] = v;
  repository_.UpsertStoreSettings(
      db_, {store_id, mode == TaxMode::kInclusive ? "inclusive" : "exclusive", json_text::Serialize(r)}, clock_.Now());
  Load();
  return core::Ok();
}

core::Result<StoreMenuContext> MenuService::ContextFor(const State& state, const StoreInfo& info) const {
  auto currency = core::Currency::Find(info.currency);
  if (!currency) return Fail(Error::Internal("store currency unknown: " + info.currency));
  StoreMenuContext ctx{.currency = *currency};
  ctx.locale = info.locale;
  if (auto s = state.settings.find(info.store_id); s != state.settings.end()) {
    ctx.tax_mode = s->second.first;
    ctx.tax_rates = s->second.second;
  }
  if (auto p = state.product_prices.find(info.store_id); p != state.product_prices.end()) ctx.product_prices = p->second;
  if (auto p = state.topping_prices.find(info.store_id); p != state.topping_prices.end()) ctx.topping_prices = p->second;
  if (auto u = state.unavailable.find(info.store_id); u != state.unavailable.end()) ctx.unavailable = u->second;
  return ctx;
}

namespace {
LocalTime LocalNow(const date::time_zone* zone, core::TimePoint now) {
  const auto local = zone->to_local(now);
  const auto day = date::floor<date::days>(local);
  return {static_cast<int>(date::weekday(day).c_encoding()),
          static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count())};
}
}  // namespace

core::Result<std::shared_ptr<const MenuSnapshot>> MenuService::StoreMenu(const std::string& store_id, const std::string& locale) {
  auto info = FindStore(store_id);
  if (!info) return Fail(Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  const std::string loc = locale.empty() ? info->locale : locale;
  const auto now = clock_.Now();
  const LocalTime local = LocalNow(info->zone, now);
  // Dayparts and 86 until-times move on their own: a snapshot lives for one local quarter hour.
  const std::string key = fmt::format("{}|{}|{}|{}", store_id, loc, local.weekday, local.minute_of_day / 15);
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  auto state = Snapshot();
  auto menu = state->published.find(info->currency);
  if (menu == state->published.end()) {
    return Fail(Error::NotFound(fmt::format("no menu is published for the {} market yet", info->currency)));
  }
  auto ctx = ContextFor(*state, *info);
  if (!ctx) return Fail(ctx.error());
  auto snapshot = std::make_shared<MenuSnapshot>();
  snapshot->json = PublicMenuJson(*menu->second.second, *ctx, loc, local, menu->second.first, now);
  snapshot->gzip = Gzip(snapshot->json);
  snapshot->etag = ETagOf(snapshot->json);
  snapshot->json_file = http::FileBody::FromBytes(snapshot->json);
  snapshot->gzip_file = http::FileBody::FromBytes(snapshot->gzip);
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() > 10'000) cache_.clear();  // bounded: stores × locales × a quarter hour
  cache_[key] = snapshot;
  return std::shared_ptr<const MenuSnapshot>(snapshot);
}

core::Result<MenuService::QuotedCart> MenuService::QuoteCart(const std::string& store_id, const json::value& body,
                                                             std::optional<core::Money> delivery_fee, Channel channel) {
  auto info = FindStore(store_id);
  if (!info) return Fail(Error::Validation({{"store_id", fmt::format("store '{}' does not exist", store_id)}}));
  auto state = Snapshot();
  auto menu = state->published.find(info->currency);
  if (menu == state->published.end()) {
    return Fail(Error::Conflict(fmt::format("no menu is published for the {} market yet", info->currency)));
  }
  auto ctx = ContextFor(*state, *info);
  if (!ctx) return Fail(ctx.error());
  auto request = ParseQuoteRequest(body, ctx->currency);
  if (!request) return Fail(request.error());
  request->now = clock_.Now();
  request->local_time = LocalNow(info->zone, request->now);
  request->delivery_fee = delivery_fee;
  request->channel = channel;
  auto quote = Quote(*menu->second.second, *ctx, *request);
  if (!quote) {
    core::Error error = quote.error();
    const json::value* items = body.is_object() ? body.as_object().if_contains("items") : nullptr;
    const std::size_t item_count = items && items->is_array() ? items->as_array().size() : 0;
    for (auto& f : error.fields) f.field = ClientQuoteField(f.field, item_count);
    return Fail(error);
  }
  std::string quote_json = QuoteToJson(*menu->second.second, *quote, ctx->locale);
  return QuotedCart{std::move(*request), std::move(*quote), std::move(quote_json)};
}

core::Result<PricedCart> MenuService::PriceCart(const CartPricing& cart) {
  json::error_code ec;
  // One arena for the parsed cart (read once, then dropped): no allocation per member.
  json::monotonic_resource arena;
  json::value body = json::parse(cart.cart_json, ec, &arena);
  if (ec || !body.is_object()) return Fail(Error::BadRequest("the cart must be a JSON object"));
  std::optional<core::Money> fee;
  if (cart.delivery_fee) fee = cart.delivery_fee->ToMoney();
  const Channel channel = cart.channel == SalesChannel::kKiosk ? Channel::kKiosk
                          : cart.channel == SalesChannel::kPos ? Channel::kPos
                                                               : Channel::kWeb;
  auto quoted = QuoteCart(cart.store_id, body, fee, channel);
  if (!quoted) return Fail(quoted.error());
  auto catalog = PublishedCatalogFor(cart.store_id);
  if (!catalog) return Fail(catalog.error());
  auto info = FindStore(cart.store_id);
  return ToPricedCart(**catalog, quoted->request, quoted->quote, info ? info->locale : "en", std::move(quoted->json));
}

core::Status MenuService::SetItemAvailability(const std::string& store_id, const std::string& item_id, bool available,
                                              const std::string& reason) {
  return SetAvailability(store_id, item_id, available, reason, std::nullopt);
}

bool MenuService::IsMenuItem(const std::string& item_id) const {
  const auto state = Snapshot();
  for (const auto& [market, published] : state->published) {
    const Catalog& catalog = *published.second;
    if (catalog.FindProduct(item_id) || catalog.FindDeal(item_id)) return true;
  }
  return false;
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("menu", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::menu
