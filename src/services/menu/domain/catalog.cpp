#include "services/menu/domain/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "lib/core/money.hpp"

namespace vetahut::menu {
namespace {

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

/// Collects field errors of a catalog with its paths.
class Checker {
 public:
  explicit Checker(const Catalog& catalog) : catalog_(catalog) {}

  void Add(std::string field, std::string message) {
    errors_.Add(std::move(field), std::move(message));
  }

  void Text(const LocalizedText& text, const std::string& field) {
    for (const auto& locale : catalog_.required_locales) {
      auto it = text.find(locale);
      if (it == text.end() || it->second.empty()) {
        Add(field, fmt::format("missing translation for '{}'", locale));
      }
    }
  }

  void Price(MinorUnits price, const std::string& field) {
    if (price < 0) Add(field, "must not be negative");
  }

  template <class T>
  void Ids(const std::vector<T>& items, std::string_view collection) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& id = items[i].id;
      if (id.empty()) {
        Add(fmt::format("{}[{}].id", collection, i), "must not be empty");
      } else if (!seen.insert(id).second) {
        Add(fmt::format("{}[{}].id", collection, i), fmt::format("duplicate id '{}'", id));
      }
    }
  }

  void SizeRef(std::string_view size_id, const std::string& field) {
    if (catalog_.FindSize(size_id) == nullptr)
      Add(field, fmt::format("unknown size '{}'", size_id));
  }

  void CategoryRef(std::string_view id, const std::string& field, bool required) {
    if (id.empty()) {
      if (required) Add(field, "is required");
      return;
    }
    if (catalog_.FindCategory(id) == nullptr) Add(field, fmt::format("unknown category '{}'", id));
  }

  void ProductRef(std::string_view id, const std::string& field) {
    if (catalog_.FindProduct(id) == nullptr) Add(field, fmt::format("unknown product '{}'", id));
  }

  void SizePrices(const std::vector<SizePrice>& prices, const std::string& field) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < prices.size(); ++i) {
      const auto path = fmt::format("{}[{}]", field, i);
      SizeRef(prices[i].size_id, path + ".size_id");
      if (!seen.insert(prices[i].size_id).second) {
        Add(path + ".size_id", fmt::format("duplicate size '{}'", prices[i].size_id));
      }
      Price(prices[i].price, path + ".price");
    }
  }

  void Windows(const Availability& availability, const std::string& field) {
    for (std::size_t i = 0; i < availability.windows.size(); ++i) {
      const auto& w = availability.windows[i];
      const auto path = fmt::format("{}.windows[{}]", field, i);
      if (w.weekday < 0 || w.weekday > 6)
        Add(path + ".weekday", "must be 0 (Sunday) … 6 (Saturday)");
      if (w.start_minute < 0 || w.start_minute > 1439)
        Add(path + ".start_minute", "must be 0 … 1439");
      if (w.end_minute <= w.start_minute || w.end_minute > 1440) {
        Add(path + ".end_minute", "must be after start_minute and at most 1440");
      }
    }
  }

  void Rate(std::int64_t rate, const std::string& field) {
    if (rate <= 0 || rate > kRateScale)
      Add(field, "must be more than 0 and at most 100 % (100000)");
  }

  core::Status Result() const {
    if (errors_.empty()) return core::Ok();
    return core::Fail(core::Error::Validation(errors_.list(), "The catalog has invalid fields."));
  }

 private:
  const Catalog& catalog_;
  core::FieldErrors errors_;
};

}  // namespace

std::string_view Text(const LocalizedText& text, std::string_view locale,
                      std::string_view fallback) {
  if (auto it = text.find(locale); it != text.end()) return it->second;
  if (auto dash = locale.find('-'); dash != std::string_view::npos) {
    if (auto it = text.find(locale.substr(0, dash)); it != text.end()) return it->second;
  }
  if (auto it = text.find(fallback); it != text.end()) return it->second;
  if (!text.empty()) return text.begin()->second;
  return {};
}

bool IsAvailableAt(const Availability& availability, LocalTime time) {
  if (availability.windows.empty()) return true;
  return std::any_of(availability.windows.begin(), availability.windows.end(),
                     [&](const DaypartWindow& w) {
                       return w.weekday == time.weekday && time.minute_of_day >= w.start_minute &&
                              time.minute_of_day < w.end_minute;
                     });
}

std::optional<MinorUnits> PriceForSize(const std::vector<SizePrice>& prices,
                                       std::string_view size_id) {
  for (const auto& p : prices) {
    if (SameId(p.size_id, size_id)) return p.price;
  }
  return std::nullopt;
}

namespace {

std::uint64_t Load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uint64_t Load32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// 64×64 → 128-bit multiply, folded: the mixing step of wyhash.
std::uint64_t Mix(std::uint64_t a, std::uint64_t b) {
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

/// A wyhash-style hash, inline: ids are short, so it reads them in one or two words instead of
/// the library's byte loop (`std::hash` is an out-of-line murmur). In-memory only, never stored.
std::uint64_t HashId(std::string_view s) {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                          k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t seed = k0 ^ n;
  std::uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      const auto byte = [&](std::size_t i) {
        return std::uint64_t(static_cast<unsigned char>(p[i]));
      };
      a = (byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1);
    }
  } else {
    const char* end = p + n;
    while (end - p > 16) {
      seed = Mix(Load64(p) ^ k1, Load64(p + 8) ^ seed);
      p += 16;
    }
    a = Load64(end - 16);
    b = Load64(end - 8);
  }
  return Mix(k1 ^ n, Mix(a ^ k1, b ^ seed) ^ k2);
}

/// The position of the indexed item that `same_key` accepts among the slots of `hash`; `stale`
/// if a slot of that hash points at an item with another key (the vectors were edited since the
/// index was built).
template <class Slots, class Items, class SameKey>
std::optional<std::size_t> Probe(const Slots& slots, const Items& items, std::uint64_t hash,
                                 SameKey same_key, bool& stale) {
  if (slots.empty()) return std::nullopt;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const auto& slot = slots[i];
    if (slot.position == 0) return std::nullopt;
    if (slot.hash != hash) continue;
    const std::size_t position = slot.position - 1;
    if (position < items.size() && same_key(items[position])) return position;
    stale = true;  // or a 64-bit collision: either way the caller scans
  }
}

template <class Index, class Items, class KeyOf>
void BuildOne(Index& index, const Items& items, KeyOf key_of) {
  index.slots.clear();
  index.distinct = 0;
  std::size_t count = 0;
  for (const auto& item : items) count += key_of(item) ? 1 : 0;
  if (count == 0) return;
  std::size_t capacity = 8;
  while (capacity < 2 * count) capacity *= 2;
  index.slots.assign(capacity, {});
  const std::size_t mask = capacity - 1;
  for (std::size_t pos = 0; pos < items.size(); ++pos) {
    const std::optional<std::string> key = key_of(items[pos]);
    if (!key) continue;
    const std::uint64_t hash = HashId(*key);
    std::size_t i = hash & mask;
    bool duplicate = false;
    for (; index.slots[i].position != 0; i = (i + 1) & mask) {
      const auto& slot = index.slots[i];
      if (slot.hash == hash && key_of(items[slot.position - 1]) == key) {
        duplicate = true;  // first wins
        break;
      }
    }
    if (duplicate) continue;
    index.slots[i] = {hash, static_cast<std::uint32_t>(pos + 1)};
    ++index.distinct;
  }
}

/// `code` upper-cased equals `upper` (already upper-case), without building a string.
bool EqualsUpper(std::string_view code, std::string_view upper) {
  if (code.size() != upper.size()) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(code[i])) != static_cast<unsigned char>(upper[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Catalog::BuildIndex() {
  auto by_id = [](const auto& item) { return std::optional<std::string>(item.id); };
  BuildOne(categories_by_id_, categories, by_id);
  BuildOne(sizes_by_id_, sizes, by_id);
  BuildOne(crusts_by_id_, crusts, by_id);
  BuildOne(toppings_by_id_, toppings, by_id);
  BuildOne(groups_by_id_, modifier_groups, by_id);
  BuildOne(products_by_id_, products, by_id);
  BuildOne(deals_by_id_, deals, by_id);
  BuildOne(promotions_by_id_, promotions, by_id);
  BuildOne(rewards_by_id_, rewards, by_id);
  BuildOne(promotions_by_code_, promotions, [](const Promotion& p) {
    return p.code.empty() ? std::nullopt : std::optional<std::string>(UpperAscii(p.code));
  });
  indexed_ = true;
}

template <class T>
const T* Catalog::Lookup(const std::vector<T>& items, const Index& index,
                         std::string_view id) const {
  if (indexed_) {
    bool stale = false;
    const auto position = Probe(
        index.slots, items, HashId(id), [&](const T& item) { return SameId(item.id, id); }, stale);
    if (position) return &items[*position];
    // Not indexed: absent, unless the vectors were edited since (then scan).
    if (!stale && index.distinct == items.size()) return nullptr;
  }
  for (const auto& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

const Category* Catalog::FindCategory(std::string_view id) const {
  return Lookup(categories, categories_by_id_, id);
}
const Size* Catalog::FindSize(std::string_view id) const { return Lookup(sizes, sizes_by_id_, id); }
const Crust* Catalog::FindCrust(std::string_view id) const {
  return Lookup(crusts, crusts_by_id_, id);
}
const Topping* Catalog::FindTopping(std::string_view id) const {
  return Lookup(toppings, toppings_by_id_, id);
}
const ModifierGroup* Catalog::FindModifierGroup(std::string_view id) const {
  return Lookup(modifier_groups, groups_by_id_, id);
}
const Product* Catalog::FindProduct(std::string_view id) const {
  return Lookup(products, products_by_id_, id);
}
const Deal* Catalog::FindDeal(std::string_view id) const { return Lookup(deals, deals_by_id_, id); }
const Promotion* Catalog::FindPromotion(std::string_view id) const {
  return Lookup(promotions, promotions_by_id_, id);
}

const Reward* Catalog::FindReward(std::string_view id) const {
  return Lookup(rewards, rewards_by_id_, id);
}

const Promotion* Catalog::FindPromotionByCode(std::string_view code) const {
  const std::string upper = UpperAscii(code);
  if (indexed_) {
    bool stale = false;
    const auto position = Probe(
        promotions_by_code_.slots, promotions, HashId(upper),
        [&](const Promotion& p) { return !p.code.empty() && EqualsUpper(p.code, upper); }, stale);
    if (position) return &promotions[*position];
  }
  for (const auto& p : promotions) {
    if (!p.code.empty() && EqualsUpper(p.code, upper)) return &p;
  }
  return nullptr;
}

core::Status ValidateCatalog(const Catalog& catalog) {
  Checker check(catalog);
  if (!core::Currency::Find(catalog.currency)) {
    check.Add("currency", fmt::format("'{}' is not an ISO-4217 currency code", catalog.currency));
  }
  if (catalog.required_locales.empty())
    check.Add("required_locales", "must list at least one locale");
  if (!Contains(catalog.required_locales, catalog.fallback_locale)) {
    check.Add("fallback_locale", "must be one of required_locales");
  }
  if (catalog.extra_multiplier_bp < kBasisPoints) {
    check.Add("extra_multiplier_bp", "must be at least 10000 (1×)");
  }

  check.Ids(catalog.categories, "categories");
  check.Ids(catalog.sizes, "sizes");
  check.Ids(catalog.crusts, "crusts");
  check.Ids(catalog.toppings, "toppings");
  check.Ids(catalog.modifier_groups, "modifier_groups");
  check.Ids(catalog.products, "products");
  check.Ids(catalog.deals, "deals");
  check.Ids(catalog.promotions, "promotions");
  check.Ids(catalog.rewards, "rewards");

  for (std::size_t i = 0; i < catalog.categories.size(); ++i) {
    check.Text(catalog.categories[i].name, fmt::format("categories[{}].name", i));
  }
  for (std::size_t i = 0; i < catalog.sizes.size(); ++i) {
    check.Text(catalog.sizes[i].name, fmt::format("sizes[{}].name", i));
  }
  for (std::size_t i = 0; i < catalog.crusts.size(); ++i) {
    const auto path = fmt::format("crusts[{}]", i);
    check.Text(catalog.crusts[i].name, path + ".name");
    check.SizePrices(catalog.crusts[i].upcharges, path + ".upcharges");
  }
  for (std::size_t i = 0; i < catalog.toppings.size(); ++i) {
    const auto& t = catalog.toppings[i];
    const auto path = fmt::format("toppings[{}]", i);
    check.Text(t.name, path + ".name");
    if (t.prices.empty()) check.Add(path + ".prices", "must price at least one size");
    check.SizePrices(t.prices, path + ".prices");
    if (t.extra_multiplier_bp && *t.extra_multiplier_bp < kBasisPoints) {
      check.Add(path + ".extra_multiplier_bp", "must be at least 10000 (1×)");
    }
    if (t.calories < 0) check.Add(path + ".calories", "must not be negative");
  }
  for (std::size_t i = 0; i < catalog.modifier_groups.size(); ++i) {
    const auto& g = catalog.modifier_groups[i];
    const auto path = fmt::format("modifier_groups[{}]", i);
    check.Text(g.name, path + ".name");
    if (g.min_selections < 0) check.Add(path + ".min_selections", "must not be negative");
    if (g.max_selections < 1) check.Add(path + ".max_selections", "must be at least 1");
    if (g.min_selections > g.max_selections) {
      check.Add(path + ".min_selections",
                fmt::format("min_selections {} is more than max_selections {}", g.min_selections,
                            g.max_selections));
    }
    if (static_cast<std::size_t>(std::max(g.min_selections, 0)) > g.options.size()) {
      check.Add(path + ".min_selections", "is more than the number of options");
    }
    std::set<std::string_view> seen;
    int defaults = 0;
    for (std::size_t j = 0; j < g.options.size(); ++j) {
      const auto& o = g.options[j];
      const auto opt = fmt::format("{}.options[{}].topping_id", path, j);
      if (catalog.FindTopping(o.topping_id) == nullptr) {
        check.Add(opt, fmt::format("unknown topping '{}'", o.topping_id));
      }
      if (!seen.insert(o.topping_id).second)
        check.Add(opt, fmt::format("duplicate option '{}'", o.topping_id));
      defaults += o.is_default ? 1 : 0;
    }
    if (defaults > g.max_selections) {
      check.Add(path + ".options", fmt::format("{} defaults is more than max_selections {}",
                                               defaults, g.max_selections));
    }
  }
  for (std::size_t i = 0; i < catalog.products.size(); ++i) {
    const auto& p = catalog.products[i];
    const auto path = fmt::format("products[{}]", i);
    check.CategoryRef(p.category_id, path + ".category_id", true);
    check.Text(p.name, path + ".name");
    if (!p.description.empty()) check.Text(p.description, path + ".description");
    if (p.tax_category.empty()) check.Add(path + ".tax_category", "is required");
    if (p.sizes.empty()) check.Add(path + ".sizes", "must offer at least one size");
    std::set<std::string_view> sizes_seen;
    for (std::size_t j = 0; j < p.sizes.size(); ++j) {
      const auto spath = fmt::format("{}.sizes[{}]", path, j);
      check.SizeRef(p.sizes[j].size_id, spath + ".size_id");
      if (!sizes_seen.insert(p.sizes[j].size_id).second) {
        check.Add(spath + ".size_id", fmt::format("duplicate size '{}'", p.sizes[j].size_id));
      }
      check.Price(p.sizes[j].price, spath + ".price");
      if (p.sizes[j].calories < 0) check.Add(spath + ".calories", "must not be negative");
    }
    for (std::size_t j = 0; j < p.crust_ids.size(); ++j) {
      if (catalog.FindCrust(p.crust_ids[j]) == nullptr) {
        check.Add(fmt::format("{}.crust_ids[{}]", path, j),
                  fmt::format("unknown crust '{}'", p.crust_ids[j]));
      }
    }
    if (!p.crust_ids.empty() && !Contains(p.crust_ids, p.default_crust_id)) {
      check.Add(path + ".default_crust_id", "must be one of crust_ids");
    }
    if (p.crust_ids.empty() && !p.default_crust_id.empty()) {
      check.Add(path + ".default_crust_id", "set but the product offers no crusts");
    }
    if (p.kind != ProductKind::kPizza && !p.crust_ids.empty()) {
      check.Add(path + ".crust_ids", "only pizzas have crusts");
    }
    for (std::size_t j = 0; j < p.modifier_group_ids.size(); ++j) {
      if (catalog.FindModifierGroup(p.modifier_group_ids[j]) == nullptr) {
        check.Add(fmt::format("{}.modifier_group_ids[{}]", path, j),
                  fmt::format("unknown modifier group '{}'", p.modifier_group_ids[j]));
      }
    }
    for (std::size_t j = 0; j < p.default_topping_ids.size(); ++j) {
      const auto& id = p.default_topping_ids[j];
      bool is_option = false;
      for (const auto& gid : p.modifier_group_ids) {
        if (const auto* g = catalog.FindModifierGroup(gid)) {
          is_option =
              is_option || std::any_of(g->options.begin(), g->options.end(),
                                       [&](const ModifierOption& o) { return o.topping_id == id; });
        }
      }
      if (!is_option) {
        check.Add(fmt::format("{}.default_topping_ids[{}]", path, j),
                  fmt::format("'{}' is not an option of the product's modifier groups", id));
      }
    }
    check.Windows(p.availability, path + ".availability");
  }
  for (std::size_t i = 0; i < catalog.deals.size(); ++i) {
    const auto& d = catalog.deals[i];
    const auto path = fmt::format("deals[{}]", i);
    check.CategoryRef(d.category_id, path + ".category_id", true);
    check.Text(d.name, path + ".name");
    if (!d.description.empty()) check.Text(d.description, path + ".description");
    if (d.tax_category.empty()) check.Add(path + ".tax_category", "is required");
    check.Price(d.price, path + ".price");
    if (d.slots.empty()) check.Add(path + ".slots", "must have at least one slot");
    for (std::size_t j = 0; j < d.slots.size(); ++j) {
      const auto& s = d.slots[j];
      const auto spath = fmt::format("{}.slots[{}]", path, j);
      check.Text(s.name, spath + ".name");
      for (std::size_t k = 0; k < s.product_ids.size(); ++k) {
        check.ProductRef(s.product_ids[k], fmt::format("{}.product_ids[{}]", spath, k));
      }
      check.CategoryRef(s.category_id, spath + ".category_id", false);
      for (std::size_t k = 0; k < s.size_ids.size(); ++k) {
        check.SizeRef(s.size_ids[k], fmt::format("{}.size_ids[{}]", spath, k));
      }
      if (s.quantity < 1) check.Add(spath + ".quantity", "must be at least 1");
      if (s.included_toppings < 0) check.Add(spath + ".included_toppings", "must not be negative");
      for (std::size_t k = 0; k < s.upcharges.size(); ++k) {
        const auto upath = fmt::format("{}.upcharges[{}]", spath, k);
        if (!s.upcharges[k].product_id.empty())
          check.ProductRef(s.upcharges[k].product_id, upath + ".product_id");
        if (!s.upcharges[k].size_id.empty())
          check.SizeRef(s.upcharges[k].size_id, upath + ".size_id");
        check.Price(s.upcharges[k].amount, upath + ".amount");
      }
    }
    check.Windows(d.availability, path + ".availability");
  }
  std::set<std::string> codes;
  for (std::size_t i = 0; i < catalog.promotions.size(); ++i) {
    const auto& p = catalog.promotions[i];
    const auto path = fmt::format("promotions[{}]", i);
    check.Text(p.name, path + ".name");
    if (!p.code.empty() && !codes.insert(UpperAscii(p.code)).second) {
      check.Add(path + ".code", fmt::format("duplicate code '{}'", p.code));
    }
    switch (p.kind) {
      case PromotionKind::kPercentOff:
        check.Rate(p.percent_off, path + ".percent_off");
        break;
      case PromotionKind::kAmountOff:
        if (p.amount_off <= 0) check.Add(path + ".amount_off", "must be positive");
        break;
      case PromotionKind::kFixedBundlePrice:
        if (p.bundle_quantity < 1) check.Add(path + ".bundle_quantity", "must be at least 1");
        check.Price(p.bundle_price, path + ".bundle_price");
        break;
      case PromotionKind::kBuyXGetY:
        if (p.buy_quantity < 1) check.Add(path + ".buy_quantity", "must be at least 1");
        if (p.get_quantity < 1) check.Add(path + ".get_quantity", "must be at least 1");
        check.Rate(p.get_percent_off, path + ".get_percent_off");
        break;
      case PromotionKind::kFreeDelivery:
        break;
      case PromotionKind::kReward:
        check.Add(path + ".kind", "a loyalty reward is listed under rewards, not promotions");
        break;
    }
    for (std::size_t k = 0; k < p.product_ids.size(); ++k) {
      check.ProductRef(p.product_ids[k], fmt::format("{}.product_ids[{}]", path, k));
    }
    for (std::size_t k = 0; k < p.category_ids.size(); ++k) {
      check.CategoryRef(p.category_ids[k], fmt::format("{}.category_ids[{}]", path, k), true);
    }
    for (std::size_t k = 0; k < p.size_ids.size(); ++k) {
      check.SizeRef(p.size_ids[k], fmt::format("{}.size_ids[{}]", path, k));
    }
    check.Price(p.minimum_subtotal, path + ".minimum_subtotal");
    if (p.valid_from && p.valid_until && *p.valid_until <= *p.valid_from) {
      check.Add(path + ".valid_until", "must be after valid_from");
    }
    check.Windows(p.local_hours, path + ".local_hours");
    if (p.max_uses_per_customer && *p.max_uses_per_customer < 1) {
      check.Add(path + ".max_uses_per_customer", "must be at least 1");
    }
    if (p.max_uses_total && *p.max_uses_total < 1)
      check.Add(path + ".max_uses_total", "must be at least 1");
  }
  for (std::size_t i = 0; i < catalog.rewards.size(); ++i) {
    const auto& r = catalog.rewards[i];
    const auto path = fmt::format("rewards[{}]", i);
    // A redeemed reward appears in a quote's discounts with its id where promotions put theirs.
    if (!r.id.empty() && catalog.FindPromotion(r.id) != nullptr) {
      check.Add(path + ".id", fmt::format("'{}' is already a promotion's id", r.id));
    }
    check.Text(r.name, path + ".name");
    if (r.points <= 0) check.Add(path + ".points", "must be positive");
    if (r.amount_off <= 0) check.Add(path + ".amount_off", "must be positive");
    check.Price(r.minimum_subtotal, path + ".minimum_subtotal");
  }
  return check.Result();
}

}  // namespace vetahut::menu
