#include "services/menu/domain/pricing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <span>

namespace vetahut::menu {
namespace {

__extension__ using Int128 = __int128;

constexpr int kMaxQuantity = 999;

/// Half-up division of a non-negative numerator (all engine amounts are non-negative).
MinorUnits RoundHalfUp(Int128 numerator, std::int64_t denominator) {
  // Amounts times rates fit in 64 bits: divide there, not in the library's 128-bit division.
  if (numerator >= 0 && numerator <= Int128(std::numeric_limits<std::int64_t>::max()) &&
      denominator > 0) {
    const auto n = static_cast<std::int64_t>(numerator);
    const std::int64_t r = n % denominator;
    return n / denominator + (r >= denominator - r ? 1 : 0);  // r >= d - r: 2r >= d, no overflow
  }
  Int128 q = numerator / denominator;
  if ((numerator % denominator) * 2 >= denominator) ++q;
  return static_cast<MinorUnits>(q);
}

/// Field names under `items[line]` or `items[line].deal_items[k]`; built only on error.
struct ItemPath {
  std::size_t line = 0;
  std::optional<std::size_t> deal_item;
  std::string operator()(std::string_view suffix) const {
    if (deal_item) return fmt::format("items[{}].deal_items[{}].{}", line, *deal_item, suffix);
    return fmt::format("items[{}].{}", line, suffix);
  }
};

/// True if `list` holds `id` (ids compared with the inline `SameId`).
bool HasId(const std::vector<std::string>& list, std::string_view id) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& x) { return SameId(x, id); });
}

/// What the engine knows about a priced line besides its quote.
struct LineInfo {
  const Product* product = nullptr;
  const Deal* deal = nullptr;
  std::string_view size_id;
  std::int64_t rate = 0;
  std::size_t rank = 0;  ///< position of the line's content in a canonical order
};

struct Engine {
  const Catalog& catalog;
  const StoreMenuContext& store;
  const QuoteRequest& request;
  core::Currency currency;
  core::FieldErrors errors;
  std::vector<std::string_view> defaults;  // scratch, reused per item
  std::vector<int> group_counts;           // scratch, reused per item
  std::vector<const ModifierGroup*> groups;  // scratch: the item's modifier groups, looked up once

  /// A store's 86 list and product prices are short: flattened once per quote (`Flatten`), they
  /// are scanned with inline id compares instead of the maps' string compares on every item.
  static constexpr std::size_t kFlatMax = 16;
  using SizePrices = std::map<std::string, MinorUnits, std::less<>>;
  bool flat = false;
  std::vector<std::string_view> closed_ids;  // ids 86'd at `request.now`
  std::vector<std::pair<std::string_view, const SizePrices*>> product_prices;

  void Flatten() {
    if (store.unavailable.size() > kFlatMax || store.product_prices.size() > kFlatMax) return;
    for (const auto& [id, why] : store.unavailable) {
      if (IsEightySixed(store, id, request.now)) closed_ids.push_back(id);
    }
    for (const auto& [id, sizes] : store.product_prices) product_prices.emplace_back(id, &sizes);
    flat = true;
  }

  core::Money M(MinorUnits amount) const { return core::Money(amount, currency); }
  std::string_view Name(const LocalizedText& text) const {
    return Text(text, store.locale, catalog.fallback_locale);
  }
  bool Closed(std::string_view id) const {
    if (!flat) return IsEightySixed(store, id, request.now);
    return std::any_of(closed_ids.begin(), closed_ids.end(),
                       [&](std::string_view c) { return SameId(c, id); });
  }

  MinorUnits ProductPrice(const Product& product, const ProductSize& size) const {
    const SizePrices* prices = nullptr;
    if (flat) {
      for (const auto& [id, sizes] : product_prices) {
        if (SameId(id, product.id)) {
          prices = sizes;
          break;
        }
      }
    } else if (auto p = store.product_prices.find(product.id); p != store.product_prices.end()) {
      prices = &p->second;
    }
    if (prices != nullptr) {
      if (auto s = prices->find(size.size_id); s != prices->end()) return s->second;
    }
    return size.price;
  }

  std::optional<MinorUnits> ToppingPrice(const Topping& topping, std::string_view size_id) const {
    if (auto t = store.topping_prices.find(topping.id); t != store.topping_prices.end()) {
      if (auto s = t->second.find(size_id); s != t->second.end()) return s->second;
    }
    return PriceForSize(topping.prices, size_id);
  }

  /// Prices one configured product; false (with errors added) if it cannot be priced.
  bool PriceItem(const ItemSelection& sel, const ItemPath& path, const DealSlot* slot,
                 ItemQuote& out, const Product*& product_out) {
    const std::size_t errors_before = errors.list().size();
    const Product* product = catalog.FindProduct(sel.product_id);
    if (product == nullptr) {
      errors.Add(path("product_id"), sel.product_id.empty()
                                         ? "is required"
                                         : fmt::format("unknown product '{}'", sel.product_id));
      return false;
    }
    product_out = product;
    if (slot != nullptr) {
      const bool allowed =
          !slot->product_ids.empty()
              ? HasId(slot->product_ids, product->id)
              : (slot->category_id.empty() || SameId(slot->category_id, product->category_id));
      if (!allowed) {
        errors.Add(path("product_id"),
                   fmt::format("'{}' cannot be chosen for '{}'", product->id, Name(slot->name)));
      }
    }
    if (Closed(product->id)) {
      errors.Add(path("product_id"), fmt::format("'{}' is unavailable at this store", product->id));
    }
    if (!IsAvailableAt(product->availability, request.local_time)) {
      errors.Add(path("product_id"),
                 fmt::format("'{}' is not available at this time", product->id));
    }
    const ProductSize* size = nullptr;
    for (const auto& s : product->sizes) {
      if (SameId(s.size_id, sel.size_id)) size = &s;
    }
    if (size == nullptr) {
      errors.Add(path("size_id"),
                 fmt::format("size '{}' is not offered for '{}'", sel.size_id, product->id));
      return false;
    }
    if (slot != nullptr && !slot->size_ids.empty() && !HasId(slot->size_ids, size->size_id)) {
      errors.Add(path("size_id"), fmt::format("size '{}' cannot be chosen for '{}'", size->size_id,
                                              Name(slot->name)));
    }

    out.product_id = product->id;
    out.size_id = size->size_id;
    const MinorUnits base = slot != nullptr ? 0 : ProductPrice(*product, *size);

    // Crust.
    MinorUnits crust_charge = 0;
    const std::string& crust_id = sel.crust_id.empty() ? product->default_crust_id : sel.crust_id;
    if (!crust_id.empty()) {
      const bool offered = HasId(product->crust_ids, crust_id);
      const Crust* crust = offered ? catalog.FindCrust(crust_id) : nullptr;
      if (crust == nullptr) {
        errors.Add(path("crust_id"),
                   fmt::format("crust '{}' is not offered for '{}'", crust_id, product->id));
      } else if (auto up = PriceForSize(crust->upcharges, size->size_id)) {
        crust_charge = *up;
        if (Closed(crust->id))
          errors.Add(path("crust_id"),
                     fmt::format("crust '{}' is unavailable at this store", crust->id));
      } else {
        errors.Add(path("crust_id"), fmt::format("crust '{}' is not available in size '{}'",
                                                 crust_id, size->size_id));
      }
      out.crust_id = crust_id;
    }

    // Defaults: the default options of the product's groups plus its own default toppings.
    defaults.clear();
    group_counts.assign(product->modifier_group_ids.size(), 0);
    groups.clear();
    for (const auto& gid : product->modifier_group_ids) groups.push_back(catalog.FindModifierGroup(gid));
    for (const auto* g : groups) {
      if (g == nullptr) continue;
      for (const auto& o : g->options) {
        if (o.is_default) defaults.push_back(o.topping_id);
      }
    }
    for (const auto& id : product->default_topping_ids) defaults.push_back(id);
    auto is_default = [&](std::string_view id) {
      return std::any_of(defaults.begin(), defaults.end(), [&](std::string_view d) { return SameId(d, id); });
    };
    auto is_removed = [&](std::string_view id) {
      return std::any_of(sel.removed_toppings.begin(), sel.removed_toppings.end(),
                         [&](const std::string& r) { return SameId(r, id); });
    };
    auto group_of = [&](std::string_view topping_id) -> int {
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto* group = groups[g];
        if (group == nullptr) continue;
        for (const auto& o : group->options) {
          if (SameId(o.topping_id, topping_id)) return static_cast<int>(g);
        }
      }
      return -1;
    };
    for (std::size_t j = 0; j < sel.removed_toppings.size(); ++j) {
      if (!is_default(sel.removed_toppings[j])) {
        errors.Add(path(fmt::format("removed_toppings[{}]", j)),
                   fmt::format("'{}' is not a default topping of '{}'", sel.removed_toppings[j],
                               product->id));
      }
    }
    // Defaults still on the item count as selections of their groups.
    for (std::size_t d = 0; d < defaults.size(); ++d) {
      if (is_removed(defaults[d])) continue;
      if (std::any_of(defaults.begin(), defaults.begin() + static_cast<std::ptrdiff_t>(d),
                      [&](std::string_view e) { return SameId(e, defaults[d]); })) {
        continue;
      }
      if (int g = group_of(defaults[d]); g >= 0) ++group_counts[static_cast<std::size_t>(g)];
    }

    // Toppings.
    int allowance_halves = slot != nullptr ? slot->included_toppings * 2 : 0;
    MinorUnits toppings_total = 0;
    out.toppings.clear();
    out.toppings.reserve(sel.toppings.size());
    for (std::size_t j = 0; j < sel.toppings.size(); ++j) {
      const ToppingChoice& choice = sel.toppings[j];
      const Topping* topping = catalog.FindTopping(choice.topping_id);
      if (topping == nullptr) {
        errors.Add(path(fmt::format("toppings[{}].topping_id", j)),
                   fmt::format("unknown topping '{}'", choice.topping_id));
        continue;
      }
      const int group = group_of(topping->id);
      if (group < 0) {
        errors.Add(path(fmt::format("toppings[{}].topping_id", j)),
                   fmt::format("'{}' cannot be added to '{}'", topping->id, product->id));
        continue;
      }
      if (Closed(topping->id)) {
        errors.Add(path(fmt::format("toppings[{}].topping_id", j)),
                   fmt::format("'{}' is unavailable at this store", topping->id));
      }
      const bool half = choice.portion != Portion::kWhole;
      if (half && product->kind != ProductKind::kPizza) {
        errors.Add(path(fmt::format("toppings[{}].portion", j)),
                   "only pizzas take toppings on one half");
      }
      bool repeated = false;  // the same topping earlier on this item
      for (std::size_t k = 0; k < j; ++k) {
        const ToppingChoice& other = sel.toppings[k];
        if (!SameId(other.topping_id, choice.topping_id)) continue;
        repeated = true;
        if (other.portion == Portion::kWhole || !half || other.portion == choice.portion) {
          errors.Add(path(fmt::format("toppings[{}].topping_id", j)),
                     fmt::format("'{}' is already on this part of the item", topping->id));
        }
      }
      const auto price = ToppingPrice(*topping, size->size_id);
      if (!price) {
        errors.Add(path(fmt::format("toppings[{}].topping_id", j)),
                   fmt::format("'{}' is not offered in size '{}'", topping->id, size->size_id));
        continue;
      }
      const bool default_kept = is_default(topping->id) && !is_removed(topping->id);
      if (!repeated && !default_kept) ++group_counts[static_cast<std::size_t>(group)];

      const std::int64_t multiplier =
          choice.amount == ToppingAmount::kExtra
              ? topping->extra_multiplier_bp.value_or(catalog.extra_multiplier_bp)
              : kBasisPoints;
      const std::int64_t portion_den = half ? 2 : 1;
      MinorUnits charge = RoundHalfUp(Int128(*price) * multiplier, kBasisPoints * portion_den);
      bool included = false;
      if (default_kept) {
        charge = std::max<MinorUnits>(0, charge - *price);
      } else if (allowance_halves >= (half ? 1 : 2)) {
        allowance_halves -= half ? 1 : 2;
        included = true;
        charge = std::max<MinorUnits>(0, charge - RoundHalfUp(*price, portion_den));
      }
      toppings_total += charge;
      out.toppings.push_back(ToppingCharge{.topping_id = topping->id,
                                           .portion = choice.portion,
                                           .amount = choice.amount,
                                           .is_default = default_kept,
                                           .included = included,
                                           .charge = M(charge)});
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto* group = groups[g];
      if (group == nullptr) continue;
      if (group_counts[g] < group->min_selections) {
        errors.Add(path("toppings"), fmt::format("choose at least {} from '{}'",
                                                 group->min_selections, Name(group->name)));
      } else if (group_counts[g] > group->max_selections) {
        errors.Add(path("toppings"), fmt::format("choose at most {} from '{}'",
                                                 group->max_selections, Name(group->name)));
      }
    }

    MinorUnits upcharge = 0;
    if (slot != nullptr) {
      for (const auto& u : slot->upcharges) {
        if ((u.product_id.empty() || SameId(u.product_id, product->id)) &&
            (u.size_id.empty() || SameId(u.size_id, size->size_id))) {
          upcharge += u.amount;
        }
      }
    }
    out.base = M(base);
    out.crust = M(crust_charge);
    out.upcharge = M(upcharge);
    out.unit_price = M(base + crust_charge + upcharge + toppings_total);
    return errors.list().size() == errors_before;
  }

  ItemQuote EmptyItem() const {
    return ItemQuote{.base = M(0), .crust = M(0), .upcharge = M(0), .unit_price = M(0)};
  }

  LineQuote EmptyLine(std::size_t index, int quantity) const {
    return LineQuote{.index = index,
                     .base = M(0),
                     .crust = M(0),
                     .toppings = M(0),
                     .upcharges = M(0),
                     .unit_price = M(0),
                     .quantity = quantity,
                     .line_total = M(0),
                     .discount = M(0),
                     .net = M(0),
                     .tax = M(0)};
  }

  void SumItem(LineQuote& line, const ItemQuote& item) const {
    line.crust += item.crust;
    line.upcharges += item.upcharge;
    for (const auto& t : item.toppings) line.toppings += t.charge;
  }

  /// Prices line `i`; false if it has problems (recorded in `errors`).
  bool PriceLine(std::size_t i, const CartLine& cart_line, LineQuote& line, LineInfo& info) {
    const std::size_t errors_before = errors.list().size();
    if (cart_line.quantity < 1 || cart_line.quantity > kMaxQuantity) {
      errors.Add(fmt::format("items[{}].quantity", i), fmt::format("must be 1 … {}", kMaxQuantity));
    }
    if (cart_line.deal_id.empty()) {
      if (!cart_line.deal_items.empty()) {
        errors.Add(fmt::format("items[{}].deal_items", i), "only deal lines have deal items");
      }
      ItemQuote item = EmptyItem();
      const Product* product = nullptr;
      if (!PriceItem(cart_line.item, ItemPath{i, std::nullopt}, nullptr, item, product))
        return false;
      line.product_id = product->id;
      line.name = Name(product->name);
      line.tax_category = product->tax_category;
      line.base = item.base;
      SumItem(line, item);
      info.product = product;
      for (const auto& s : product->sizes) {
        if (SameId(s.size_id, cart_line.item.size_id)) info.size_id = s.size_id;
      }
      line.items.push_back(std::move(item));
    } else {
      if (!cart_line.item.product_id.empty()) {
        errors.Add(fmt::format("items[{}].product_id", i),
                   "a deal line names its products in deal_items");
      }
      const Deal* deal = catalog.FindDeal(cart_line.deal_id);
      if (deal == nullptr) {
        errors.Add(fmt::format("items[{}].deal_id", i),
                   fmt::format("unknown deal '{}'", cart_line.deal_id));
        return false;
      }
      if (Closed(deal->id)) {
        errors.Add(fmt::format("items[{}].deal_id", i),
                   fmt::format("'{}' is unavailable at this store", deal->id));
      }
      if (!IsAvailableAt(deal->availability, request.local_time)) {
        errors.Add(fmt::format("items[{}].deal_id", i),
                   fmt::format("'{}' is not available at this time", deal->id));
      }
      line.deal_id = deal->id;
      line.name = Name(deal->name);
      line.tax_category = deal->tax_category;
      line.base = M(deal->price);
      info.deal = deal;
      line.items.reserve(cart_line.deal_items.size());
      std::vector<int> per_slot(deal->slots.size(), 0);
      for (std::size_t k = 0; k < cart_line.deal_items.size(); ++k) {
        const auto& choice = cart_line.deal_items[k];
        if (choice.slot >= deal->slots.size()) {
          errors.Add(fmt::format("items[{}].deal_items[{}].slot", i, k),
                     fmt::format("'{}' has {} slots", deal->id, deal->slots.size()));
          continue;
        }
        ++per_slot[choice.slot];
        ItemQuote item = EmptyItem();
        const Product* product = nullptr;
        if (PriceItem(choice.item, ItemPath{i, k}, &deal->slots[choice.slot], item, product)) {
          SumItem(line, item);
          line.items.push_back(std::move(item));
        }
      }
      for (std::size_t s = 0; s < deal->slots.size(); ++s) {
        if (per_slot[s] != deal->slots[s].quantity) {
          errors.Add(fmt::format("items[{}].deal_items", i),
                     fmt::format("'{}' needs {} item(s), got {}", Name(deal->slots[s].name),
                                 deal->slots[s].quantity, per_slot[s]));
        }
      }
    }
    if (auto rate = store.tax_rates.find(line.tax_category); rate != store.tax_rates.end()) {
      info.rate = rate->second;
    } else {
      errors.Add(fmt::format("items[{}]", i),
                 fmt::format("the store has no tax rate for tax category '{}'", line.tax_category));
    }
    if (errors.list().size() != errors_before) return false;
    line.unit_price = line.base + line.crust + line.toppings + line.upcharges;
    line.line_total = line.unit_price * cart_line.quantity;
    return true;
  }
};

/// Spreads `amount` (≤ the sum of weights) over weighted entries: floor shares, then one minor
/// unit each to the largest remainders, ties by rank then position. Adds into `shares[line]`.
struct Weighted {
  MinorUnits weight;
  std::size_t rank;
  std::size_t line;
};

struct Part {
  Int128 remainder;
  std::size_t rank, line;
};

struct Unit {
  MinorUnits value;
  std::size_t rank, line;
};

/// Buffers reused by every Apply and Spread of one quote (cleared by their users).
struct Scratch {
  std::vector<MinorUnits> remaining, shares;
  std::vector<Weighted> weighted, group;
  std::vector<Unit> units;
  std::vector<Part> parts;
};

void Spread(MinorUnits amount, const std::vector<Weighted>& entries,
            std::vector<MinorUnits>& shares, std::vector<Part>& parts) {
  Int128 total = 0;
  for (const auto& e : entries) total += e.weight;
  if (amount <= 0 || total <= 0) return;
  parts.clear();
  MinorUnits given = 0;
  const bool total_fits = total <= Int128(std::numeric_limits<std::int64_t>::max());
  const auto total64 = static_cast<std::int64_t>(total);
  for (const auto& e : entries) {
    std::int64_t product64 = 0;
    if (total_fits && !__builtin_mul_overflow(amount, e.weight, &product64)) {
      // The same quotient and remainder as below, in 64 bits.
      const MinorUnits share = product64 / total64;
      shares[e.line] += share;
      given += share;
      parts.push_back({product64 % total64, e.rank, e.line});
      continue;
    }
    const Int128 product = Int128(amount) * e.weight;
    const auto share = static_cast<MinorUnits>(product / total);
    shares[e.line] += share;
    given += share;
    parts.push_back({product % total, e.rank, e.line});
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    if (a.remainder != b.remainder) return a.remainder > b.remainder;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.line < b.line;
  });
  for (std::size_t k = 0; given < amount && k < parts.size(); ++k, ++given)
    shares[parts[k].line] += 1;
}

/// The order promotions apply in: item-level first, then cart-level, then delivery.
int KindOrder(PromotionKind kind) {
  switch (kind) {
    case PromotionKind::kFixedBundlePrice:
      return 0;
    case PromotionKind::kBuyXGetY:
      return 1;
    case PromotionKind::kPercentOff:
      return 2;
    case PromotionKind::kAmountOff:
      return 3;
    case PromotionKind::kFreeDelivery:
      return 4;
    case PromotionKind::kReward:  // not a promotion: applied after all of them (ApplyReward)
      return 5;
  }
  return 6;
}

bool Eligible(const Promotion& p, const LineInfo& info) {
  auto listed = [](const std::vector<std::string>& list, std::string_view v) {
    return list.empty() || HasId(list, v);
  };
  if (info.deal != nullptr) {
    return p.applies_to_deals && p.product_ids.empty() && p.size_ids.empty() &&
           listed(p.category_ids, info.deal->category_id);
  }
  return listed(p.product_ids, info.product->id) &&
         listed(p.category_ids, info.product->category_id) && listed(p.size_ids, info.size_id);
}

struct Application {
  std::vector<AppliedDiscount> discounts;  ///< only when described
  std::vector<MinorUnits> line_discounts;
  MinorUnits items_total = 0;
  MinorUnits delivery_total = 0;
  std::size_t applied = 0;  ///< promotions that took something off (= discounts.size() described)
};

/// Applies `promos` (already in application order) to the lines. With `describe` false only the
/// amounts are computed (no `discounts`: their names and per-line lists), e.g. to check a coupon.
Application Apply(std::span<const Promotion* const> promos, const std::vector<LineQuote>& lines,
                  const std::vector<LineInfo>& infos, MinorUnits delivery_fee, const Engine& engine,
                  Scratch& scratch, bool describe = true) {
  Application app;
  app.line_discounts.assign(lines.size(), 0);
  if (describe) app.discounts.reserve(promos.size());
  std::vector<MinorUnits>& remaining = scratch.remaining;
  remaining.resize(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) remaining[i] = lines[i].line_total.amount();
  std::vector<MinorUnits>& shares = scratch.shares;
  shares.resize(lines.size());
  std::vector<Weighted>& weighted = scratch.weighted;
  std::vector<Unit>& units = scratch.units;
  MinorUnits fee_left = delivery_fee;
  for (const Promotion* p : promos) {
    std::fill(shares.begin(), shares.end(), 0);
    weighted.clear();
    units.clear();
    MinorUnits delivery = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (remaining[i] > 0 && Eligible(*p, infos[i]))
        weighted.push_back({remaining[i], infos[i].rank, i});
    }
    MinorUnits eligible = 0;
    for (const auto& w : weighted) eligible += w.weight;
    auto expand_units = [&] {
      std::size_t count = 0;
      for (const auto& w : weighted) {
        count += static_cast<std::size_t>(std::max(lines[w.line].quantity, 0));
      }
      units.reserve(count);
      for (const auto& w : weighted) {
        const int qty = lines[w.line].quantity;
        for (int q = 0; q < qty; ++q) {
          // Spread the line's remaining amount over its units exactly (earlier units get the
          // extra).
          const MinorUnits value = w.weight / qty + (q < w.weight % qty ? 1 : 0);
          units.push_back({value, w.rank, w.line});
        }
      }
      std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
        if (a.value != b.value) return a.value > b.value;
        if (a.rank != b.rank) return a.rank < b.rank;
        return a.line < b.line;
      });
    };
    switch (p->kind) {
      case PromotionKind::kPercentOff: {
        const MinorUnits amount =
            std::min(eligible, RoundHalfUp(Int128(eligible) * p->percent_off, kRateScale));
        Spread(amount, weighted, shares, scratch.parts);
        break;
      }
      case PromotionKind::kAmountOff:
        Spread(std::min(eligible, p->amount_off), weighted, shares, scratch.parts);
        break;
      case PromotionKind::kFixedBundlePrice: {
        expand_units();
        const auto n = static_cast<std::size_t>(p->bundle_quantity);
        std::vector<Weighted>& group = scratch.group;
        for (std::size_t start = 0; n > 0 && start + n <= units.size(); start += n) {
          group.clear();
          MinorUnits sum = 0;
          for (std::size_t k = start; k < start + n; ++k) {
            group.push_back({units[k].value, units[k].rank, units[k].line});
            sum += units[k].value;
          }
          Spread(std::max<MinorUnits>(0, sum - p->bundle_price), group, shares, scratch.parts);
        }
        break;
      }
      case PromotionKind::kBuyXGetY: {
        expand_units();
        const auto buy = static_cast<std::size_t>(p->buy_quantity);
        const auto get = static_cast<std::size_t>(p->get_quantity);
        for (std::size_t start = 0; buy + get > 0 && start + buy + get <= units.size();
             start += buy + get) {
          for (std::size_t k = start + buy; k < start + buy + get; ++k) {
            shares[units[k].line] +=
                RoundHalfUp(Int128(units[k].value) * p->get_percent_off, kRateScale);
          }
        }
        break;
      }
      case PromotionKind::kFreeDelivery:
        delivery = fee_left;
        fee_left = 0;
        break;
      case PromotionKind::kReward:  // ValidateCatalog keeps it out of the promotions
        break;
    }
    MinorUnits total = delivery;
    std::size_t lines_discounted = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const MinorUnits share = std::min(shares[i], remaining[i]);  // never more than what is left
      shares[i] = share;  // what the line gets, for the description below
      if (share <= 0) continue;
      remaining[i] -= share;
      app.line_discounts[i] += share;
      total += share;
      ++lines_discounted;
    }
    app.items_total += total - delivery;
    app.delivery_total += delivery;
    if (total <= 0) continue;
    ++app.applied;
    if (!describe) continue;
    AppliedDiscount applied{.promotion_id = p->id,
                            .code = p->code,
                            .name = std::string(engine.Name(p->name)),
                            .kind = p->kind,
                            .target = p->kind == PromotionKind::kFreeDelivery
                                          ? DiscountTarget::kDelivery
                                          : DiscountTarget::kItems,
                            .amount = engine.M(total),
                            .lines = {}};
    applied.lines.reserve(lines_discounted);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (shares[i] > 0) applied.lines.push_back({i, engine.M(shares[i])});
    }
    app.discounts.push_back(std::move(applied));
  }
  return app;
}

/// Redeems `reward` on what the promotions in `app` left of each line: min(amount_off, left),
/// spread like a promotion's discount. Returns the amount taken off (0 if nothing was left).
MinorUnits ApplyReward(const Reward& reward, const std::vector<LineQuote>& lines,
                       const std::vector<LineInfo>& infos, Application& app, const Engine& engine,
                       Scratch& scratch) {
  std::vector<Weighted> weighted;
  MinorUnits left = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const MinorUnits line_left = lines[i].line_total.amount() - app.line_discounts[i];
    if (line_left <= 0) continue;
    weighted.push_back({line_left, infos[i].rank, i});
    left += line_left;
  }
  const MinorUnits amount = std::min(left, reward.amount_off);
  if (amount <= 0) return 0;
  std::vector<MinorUnits> shares(lines.size(), 0);
  Spread(amount, weighted, shares, scratch.parts);
  AppliedDiscount applied{.promotion_id = reward.id,
                          .code = {},
                          .name = std::string(engine.Name(reward.name)),
                          .kind = PromotionKind::kReward,
                          .target = DiscountTarget::kItems,
                          .amount = engine.M(amount),
                          .lines = {}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (shares[i] <= 0) continue;  // a share never exceeds what is left: amount <= left
    app.line_discounts[i] += shares[i];
    applied.lines.push_back({i, engine.M(shares[i])});
  }
  app.items_total += amount;
  app.discounts.push_back(std::move(applied));
  return amount;
}

}  // namespace

namespace {
core::Result<PriceQuote> QuoteOrThrow(const Catalog& catalog, const StoreMenuContext& store, const QuoteRequest& request);
}  // namespace

core::Result<PriceQuote> Quote(const Catalog& catalog, const StoreMenuContext& store, const QuoteRequest& request) {
  try {
    return QuoteOrThrow(catalog, store, request);
  } catch (const std::overflow_error&) {
    // The limits keep client amounts far from int64; this is the last guard, never a 500.
    return core::Fail(core::Error::Validation({{"items", "the amounts are too large to price"}}));
  }
}

namespace {

core::Result<PriceQuote> QuoteOrThrow(const Catalog& catalog, const StoreMenuContext& store, const QuoteRequest& request) {
  Engine engine{.catalog = catalog,
                .store = store,
                .request = request,
                .currency = store.currency,
                .errors = {},
                .defaults = {},
                .group_counts = {}};
  engine.defaults.reserve(16);
  engine.groups.reserve(4);
  engine.group_counts.reserve(4);
  engine.Flatten();
  if (store.currency.code() != catalog.currency) {
    engine.errors.Add("currency", fmt::format("the store's currency {} is not the catalog's {}",
                                              store.currency.code(), catalog.currency));
    return core::Fail(engine.errors.ToError());
  }
  auto check_money = [&](const std::optional<core::Money>& m, std::string_view field) {
    if (!m) return;
    if (!(m->currency() == store.currency)) {
      engine.errors.Add(std::string(field), fmt::format("must be in {}", store.currency.code()));
    } else if (m->IsNegative()) {
      engine.errors.Add(std::string(field), "must not be negative");
    }
  };
  check_money(request.delivery_fee, "delivery_fee");
  check_money(request.tip, "tip");
  // The market's limits, before any arithmetic: what a client sends can never overflow a sum.
  const OrderLimits& limits = catalog.limits;
  if (request.tip && request.tip->amount() > limits.max_tip) {
    engine.errors.Add("tip.amount", fmt::format("must be at most {}", engine.M(limits.max_tip).ToString()));
  }
  if (request.delivery_fee && request.delivery_fee->amount() > limits.max_total) {
    engine.errors.Add("delivery_fee", "is more than an order may total");
  }
  if (request.items.empty()) engine.errors.Add("items", "the cart is empty");
  if (request.items.size() > static_cast<std::size_t>(limits.max_lines)) {
    engine.errors.Add("items", fmt::format("an order holds at most {} lines", limits.max_lines));
  }
  for (std::size_t i = 0; i < request.items.size(); ++i) {
    if (request.items[i].quantity > limits.max_quantity) {
      engine.errors.Add(fmt::format("items[{}].quantity", i),
                        fmt::format("must be at most {} in one order", limits.max_quantity));
    }
  }
  if (!engine.errors.empty()) return core::Fail(engine.errors.ToError());
  const Reward* reward = nullptr;
  if (!request.reward_id.empty()) {
    reward = catalog.FindReward(request.reward_id);
    if (reward == nullptr) engine.errors.Add("reward_id", "unknown reward");
  }

  const std::size_t n = request.items.size();
  std::vector<LineQuote> lines;
  lines.reserve(n);
  std::vector<LineInfo> infos(n);
  for (std::size_t i = 0; i < n; ++i) {
    lines.push_back(engine.EmptyLine(i, request.items[i].quantity));
    engine.PriceLine(i, request.items[i], lines.back(), infos[i]);
  }
  if (!engine.errors.empty()) return core::Fail(engine.errors.ToError());

  // Rank lines by content so tie-breaks do not depend on the order of the cart.
  {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return request.items[a] < request.items[b]; });
    for (std::size_t k = 0, rank = 0; k < n; ++k) {
      if (k > 0 && request.items[order[k - 1]] < request.items[order[k]]) rank = k;
      infos[order[k]].rank = rank;
    }
  }

  const core::Money zero = engine.M(0);
  core::Money subtotal = zero;
  for (const auto& line : lines) subtotal += line.line_total;
  const MinorUnits fee_before = request.delivery_fee ? request.delivery_fee->amount() : 0;
  if (request.tip) {
    const MinorUnits share = RoundHalfUp(Int128(subtotal.amount()) * limits.max_tip_bp, 10'000);
    if (request.tip->amount() > share) {
      engine.errors.Add("tip.amount", fmt::format("must be at most {} ({} % of the subtotal)", engine.M(share).ToString(),
                                                  double(limits.max_tip_bp) / 100.0));
      return core::Fail(engine.errors.ToError());
    }
  }
  // A reward is paid for with points, so one that cannot apply is an error, not a note.
  if (reward != nullptr && subtotal.amount() < reward->minimum_subtotal) {
    engine.errors.Add("reward_id",
                      fmt::format("Spend {} more to redeem {}",
                                  (engine.M(reward->minimum_subtotal) - subtotal).ToString(),
                                  engine.Name(reward->name)));
    return core::Fail(engine.errors.ToError());
  }

  // Promotions: automatic deals that may apply, plus the coupon.
  // Sized once for the cart: Apply runs for the coupon and for each set of promotions.
  Scratch scratch;
  scratch.remaining.reserve(n);
  scratch.shares.reserve(n);
  scratch.weighted.reserve(n);
  scratch.parts.reserve(n);
  std::optional<CouponRejection> rejected;
  std::vector<const Promotion*> candidates;
  candidates.reserve(catalog.promotions.size() + 1);
  const Promotion* coupon = nullptr;
  auto context_for = [&](const Promotion& p) {
    PromotionUsage usage;
    if (auto u = request.usage.find(p.id); u != request.usage.end()) usage = u->second;
    return PromotionContext{.now = request.now,
                            .local_time = request.local_time,
                            .channel = request.channel,
                            .uses_by_customer = usage.by_customer,
                            .uses_total = usage.total,
                            .subtotal = subtotal,
                            .locale = store.locale,
                            .fallback_locale = catalog.fallback_locale};
  };
  for (const auto& p : catalog.promotions) {
    if (p.code.empty() && !CheckPromotion(p, context_for(p))) candidates.push_back(&p);
  }
  if (!request.coupon_code.empty()) {
    coupon = catalog.FindPromotionByCode(request.coupon_code);
    if (coupon == nullptr) {
      rejected = CouponRejection{"unknown_code",
                                 fmt::format("{} is not a valid code", request.coupon_code)};
    } else if (auto why = CheckPromotion(*coupon, context_for(*coupon))) {
      rejected = std::move(why);
      coupon = nullptr;
    } else if (Apply(std::span(&coupon, 1), lines, infos, fee_before, engine, scratch,
                     /*describe=*/false)
                   .applied == 0) {
      rejected = CouponRejection{
          "no_eligible_items",
          coupon->kind == PromotionKind::kFreeDelivery
              ? fmt::format("{} applies to delivery orders only", coupon->code)
              : fmt::format("{} does not apply to any item in the cart", coupon->code)};
      coupon = nullptr;
    } else {
      candidates.push_back(coupon);
    }
  }

  // Stacking: every exclusive promotion alone, or all stackable ones together; the customer gets
  // the largest saving (ties: the set with the coupon, then the first found).
  auto by_application_order = [&](const Promotion* a, const Promotion* b) {
    if (KindOrder(a->kind) != KindOrder(b->kind)) return KindOrder(a->kind) < KindOrder(b->kind);
    return a < b;  // catalog order: promotions live in one vector
  };
  std::vector<std::vector<const Promotion*>> sets;
  sets.reserve(candidates.size() + 1);
  std::vector<const Promotion*> stackable;
  stackable.reserve(candidates.size());
  for (const Promotion* p : candidates) {
    if (p->stackable) {
      stackable.push_back(p);
    } else {
      sets.push_back({p});
    }
  }
  if (!stackable.empty()) {
    std::sort(stackable.begin(), stackable.end(), by_application_order);
    sets.push_back(std::move(stackable));
  }
  std::optional<Application> best;
  bool best_has_coupon = false;
  for (const auto& set : sets) {
    Application app = Apply(set, lines, infos, fee_before, engine, scratch);
    const bool has_coupon =
        coupon != nullptr && std::find(set.begin(), set.end(), coupon) != set.end();
    const MinorUnits saving = app.items_total + app.delivery_total;
    const MinorUnits best_saving = best ? best->items_total + best->delivery_total : -1;
    if (saving > best_saving || (saving == best_saving && has_coupon && !best_has_coupon)) {
      best = std::move(app);
      best_has_coupon = has_coupon;
    }
  }
  if (coupon != nullptr && !best_has_coupon) {
    std::string other = best && !best->discounts.empty() ? best->discounts.front().name
                                                         : std::string("another offer");
    rejected = CouponRejection{
        "not_combinable",
        fmt::format("{} cannot be combined with {}, which saves you more", coupon->code, other)};
  }
  if (!best) best = Apply({}, lines, infos, fee_before, engine, scratch);

  // The loyalty reward, on what the promotions left.
  std::optional<AppliedReward> applied_reward;
  if (reward != nullptr) {
    const MinorUnits amount = ApplyReward(*reward, lines, infos, *best, engine, scratch);
    if (amount <= 0) {
      engine.errors.Add("reward_id",
                        fmt::format("nothing is left for {} to take off after the other offers",
                                    engine.Name(reward->name)));
      return core::Fail(engine.errors.ToError());
    }
    applied_reward = AppliedReward{
        .reward_id = reward->id, .points = reward->points, .amount = engine.M(amount)};
  }

  // Discounts, nets and tax per line.
  PriceQuote quote{.currency = store.currency,
                   .tax_mode = store.tax_mode,
                   .lines = {},
                   .discounts = {},
                   .subtotal = subtotal,
                   .discount_total = zero,
                   .net_subtotal = zero,
                   .taxes = {},
                   .tax_total = zero,
                   .delivery_fee_before_discount = engine.M(fee_before),
                   .delivery_fee = engine.M(fee_before - best->delivery_total),
                   .tip = request.tip ? *request.tip : zero,
                   .total = zero,
                   .rejected_coupon = std::move(rejected),
                   .reward = std::move(applied_reward)};
  for (std::size_t i = 0; i < n; ++i) {
    LineQuote& line = lines[i];
    line.discount = engine.M(best->line_discounts[i]);
    line.net = line.line_total - line.discount;
    const std::int64_t rate = infos[i].rate;
    const MinorUnits tax = store.tax_mode == TaxMode::kExclusive
                               ? RoundHalfUp(Int128(line.net.amount()) * rate, kRateScale)
                               : RoundHalfUp(Int128(line.net.amount()) * rate, kRateScale + rate);
    line.tax = engine.M(tax);
    quote.discount_total += line.discount;
    quote.tax_total += line.tax;
    auto t = std::find_if(quote.taxes.begin(), quote.taxes.end(),
                          [&](const TaxLine& x) { return x.tax_category == line.tax_category; });
    if (t == quote.taxes.end()) {
      quote.taxes.push_back(TaxLine{
          .tax_category = line.tax_category, .rate = rate, .taxable = line.net, .tax = line.tax});
    } else {
      t->taxable += line.net;
      t->tax += line.tax;
    }
  }
  std::sort(quote.taxes.begin(), quote.taxes.end(),
            [](const TaxLine& a, const TaxLine& b) { return a.tax_category < b.tax_category; });
  quote.net_subtotal = quote.subtotal - quote.discount_total;
  quote.total = quote.net_subtotal + quote.delivery_fee + quote.tip;
  if (store.tax_mode == TaxMode::kExclusive) quote.total += quote.tax_total;
  if (quote.total.amount() > limits.max_total) {
    engine.errors.Add("total", fmt::format("{} is more than one order may total here ({}); split it or call the store",
                                           quote.total.ToString(), engine.M(limits.max_total).ToString()));
    return core::Fail(engine.errors.ToError());
  }
  quote.lines = std::move(lines);
  quote.discounts = std::move(best->discounts);
  return quote;
}

}  // namespace

}  // namespace vetahut::menu
