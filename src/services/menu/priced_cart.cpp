#include "services/menu/priced_cart.hpp"

#include <algorithm>

namespace vetahut::menu {
namespace {

std::string_view PortionName(Portion p) {
  switch (p) {
    case Portion::kLeft: return "left";
    case Portion::kRight: return "right";
    case Portion::kWhole: break;
  }
  return "whole";
}

std::string_view AmountName(ToppingAmount a) {
  switch (a) {
    case ToppingAmount::kLight: return "light";
    case ToppingAmount::kExtra: return "extra";
    case ToppingAmount::kNormal: break;
  }
  return "normal";
}

std::string_view KindName(ProductKind k) {
  switch (k) {
    case ProductKind::kPizza: return "pizza";
    case ProductKind::kSide: return "side";
    case ProductKind::kDrink: return "drink";
    case ProductKind::kDessert: return "dessert";
    case ProductKind::kOther: break;
  }
  return "other";
}

core::MoneyAmount M(const core::Money& m) { return core::MoneyAmount::Of(m); }

}  // namespace

PricedCart ToPricedCart(const Catalog& catalog, const QuoteRequest& request, const PriceQuote& quote,
                        std::string_view locale, std::string quote_json) {
  auto name = [&](const LocalizedText& text) { return std::string(Text(text, locale, catalog.fallback_locale)); };
  const std::string currency(quote.currency.code());
  // Items the engine priced exist in the catalog; a missing one would be a bug, shown as its id.
  auto item_of = [&](const ItemQuote& iq, std::vector<std::string> removed) {
    PricedItem item;
    item.product_id = iq.product_id;
    item.size_id = iq.size_id;
    item.crust_id = iq.crust_id;
    item.unit_price = M(iq.unit_price);
    item.removed_toppings = std::move(removed);
    if (const Product* p = catalog.FindProduct(iq.product_id)) {
      item.name = name(p->name);
      item.category_id = p->category_id;
      item.kind = std::string(KindName(p->kind));
    } else {
      item.name = iq.product_id;
    }
    if (const Size* s = catalog.FindSize(iq.size_id)) item.size_name = name(s->name);
    if (const Crust* c = catalog.FindCrust(iq.crust_id)) item.crust_name = name(c->name);
    for (const auto& t : iq.toppings) {
      PricedTopping topping{t.topping_id, t.topping_id, std::string(PortionName(t.portion)), std::string(AmountName(t.amount)),
                            t.is_default, M(t.charge)};
      if (const Topping* found = catalog.FindTopping(t.topping_id)) topping.name = name(found->name);
      item.toppings.push_back(std::move(topping));
    }
    // The item as made: the defaults the customer kept without naming them are on it too (the
    // cook must see the pepperoni of a pepperoni pizza), whole and normal, at no charge.
    if (const Product* p = catalog.FindProduct(iq.product_id)) {
      std::vector<std::string> defaults;
      for (const auto& gid : p->modifier_group_ids) {
        if (const ModifierGroup* g = catalog.FindModifierGroup(gid)) {
          for (const auto& o : g->options) {
            if (o.is_default) defaults.push_back(o.topping_id);
          }
        }
      }
      defaults.insert(defaults.end(), p->default_topping_ids.begin(), p->default_topping_ids.end());
      std::vector<PricedTopping> implied;
      for (const auto& id : defaults) {
        auto same = [&](const PricedTopping& t) { return t.topping_id == id; };
        if (std::find(item.removed_toppings.begin(), item.removed_toppings.end(), id) != item.removed_toppings.end()) continue;
        if (std::any_of(item.toppings.begin(), item.toppings.end(), same)) continue;
        if (std::any_of(implied.begin(), implied.end(), same)) continue;
        PricedTopping topping{id, id, "whole", "normal", true, core::MoneyAmount{0, currency}};
        if (const Topping* found = catalog.FindTopping(id)) topping.name = name(found->name);
        implied.push_back(std::move(topping));
      }
      item.toppings.insert(item.toppings.begin(), implied.begin(), implied.end());
    }
    return item;
  };

  PricedCart out;
  out.currency = std::string(quote.currency.code());
  for (const auto& line : quote.lines) {
    PricedLine pl;
    pl.index = line.index;
    pl.deal_id = line.deal_id;
    pl.name = line.name;
    pl.quantity = line.quantity;
    pl.unit_price = M(line.unit_price);
    pl.line_total = M(line.line_total);
    pl.discount = M(line.discount);
    pl.net = M(line.net);
    pl.tax = M(line.tax);
    pl.tax_category = line.tax_category;
    const CartLine* asked = line.index < request.items.size() ? &request.items[line.index] : nullptr;
    for (std::size_t i = 0; i < line.items.size(); ++i) {
      std::vector<std::string> removed;
      if (asked && asked->deal_id.empty()) removed = asked->item.removed_toppings;
      if (asked && !asked->deal_id.empty() && i < asked->deal_items.size()) removed = asked->deal_items[i].item.removed_toppings;
      pl.items.push_back(item_of(line.items[i], std::move(removed)));
    }
    out.lines.push_back(std::move(pl));
  }
  out.subtotal = M(quote.subtotal);
  out.discount_total = M(quote.discount_total);
  out.net_subtotal = M(quote.net_subtotal);
  out.tax_total = M(quote.tax_total);
  out.delivery_fee = M(quote.delivery_fee);
  out.tip = M(quote.tip);
  out.total = M(quote.total);
  if (quote.reward) out.reward = RedeemedReward{quote.reward->reward_id, quote.reward->points, M(quote.reward->amount)};
  if (quote.rejected_coupon) {
    out.rejected_coupon = RejectedCoupon{request.coupon_code, quote.rejected_coupon->code, quote.rejected_coupon->message};
  }
  out.quote_json = std::move(quote_json);
  return out;
}

}  // namespace vetahut::menu
