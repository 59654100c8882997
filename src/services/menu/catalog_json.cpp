#include "services/menu/catalog_json.hpp"
#include "lib/json/reader.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <limits>

namespace vetahut::menu {
namespace json = boost::json;

namespace {

constexpr std::string_view kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                      "thursday", "friday", "saturday"};
constexpr int kMaxQuantity = 999;  // as the pricing engine
constexpr std::size_t kMaxLines = 100;
constexpr std::size_t kMaxToppingsPerItem = 50;
constexpr std::size_t kMaxNotes = 500;

// ---------------------------------------------------------------------------------------------
// Enum names
// ---------------------------------------------------------------------------------------------

struct KindName {
  ProductKind kind;
  std::string_view name;
};
constexpr KindName kProductKinds[] = {{ProductKind::kPizza, "pizza"},
                                      {ProductKind::kSide, "side"},
                                      {ProductKind::kDrink, "drink"},
                                      {ProductKind::kDessert, "dessert"},
                                      {ProductKind::kOther, "other"}};

struct PromotionKindName {
  PromotionKind kind;
  std::string_view name;
};
constexpr PromotionKindName kPromotionKinds[] = {
    {PromotionKind::kPercentOff, "percent_off"},
    {PromotionKind::kAmountOff, "amount_off"},
    {PromotionKind::kFixedBundlePrice, "fixed_bundle_price"},
    {PromotionKind::kBuyXGetY, "buy_x_get_y"},
    {PromotionKind::kFreeDelivery, "free_delivery"}};

struct ChannelName {
  Channel channel;
  std::string_view name;
};
constexpr ChannelName kChannels[] = {
    {Channel::kWeb, "web"}, {Channel::kKiosk, "kiosk"}, {Channel::kPos, "pos"}};

std::string_view Name(ProductKind k) {
  for (const auto& e : kProductKinds)
    if (e.kind == k) return e.name;
  return "other";
}
std::string_view Name(PromotionKind k) {
  // kReward is not in kPromotionKinds: it is written for quotes, never read from a catalog.
  if (k == PromotionKind::kReward) return "reward";
  for (const auto& e : kPromotionKinds)
    if (e.kind == k) return e.name;
  return "percent_off";
}
std::string_view Name(Channel c) {
  for (const auto& e : kChannels)
    if (e.channel == c) return e.name;
  return "web";
}
std::string_view Name(Portion p) {
  switch (p) {
    case Portion::kLeft:
      return "left";
    case Portion::kRight:
      return "right";
    case Portion::kWhole:
      break;
  }
  return "whole";
}
std::string_view Name(ToppingAmount a) {
  switch (a) {
    case ToppingAmount::kLight:
      return "light";
    case ToppingAmount::kExtra:
      return "extra";
    case ToppingAmount::kNormal:
      break;
  }
  return "normal";
}

using json_read::Join;

// ---------------------------------------------------------------------------------------------
// Reading: one `Obj` per JSON object, collecting field errors with full paths (json_read), with
// the catalog's own field types
// ---------------------------------------------------------------------------------------------

class Obj final : public json_read::ObjectReader<Obj> {
 public:
  friend class json_read::ObjectReader<Obj>;

  bool Money(std::string_view key, MinorUnits& out, bool required = false) const {
    return Int64(key, out, required, "must be an integer amount in minor units");
  }

  void Text(std::string_view key, LocalizedText& out, bool required = false) const {
    out.clear();
    const json::value* v = Get(key, required);
    if (!v) return;
    const json::object* o = v->if_object();
    if (!o) {
      errors_->Add(F(key), "must be an object of translations by locale ({\"en\": \"…\"})");
      return;
    }
    for (const auto& [locale, text] : *o) {
      if (!text.is_string()) {
        errors_->Add(Join(F(key), locale), "must be a string");
        continue;
      }
      out[std::string(locale)] = std::string(text.get_string());
    }
  }

  void Windows(std::string_view key, Availability& out) const {
    out.windows.clear();
    const json::value* v = Get(key, false);
    if (!v) return;
    auto a = Open(*v, F(key), *errors_, {"windows"});
    if (!a) return;
    a->Array("windows", false, [&](const json::value& w, const std::string& path) {
      DaypartWindow window;
      if (auto o = Open(w, path, *errors_, {"weekday", "start_minute", "end_minute"})) {
        o->Int("weekday", window.weekday, true);
        o->Int("start_minute", window.start_minute, true);
        o->Int("end_minute", window.end_minute, true);
      }
      out.windows.push_back(window);
    });
  }

  void SizePrices(std::string_view key, std::vector<SizePrice>& out, bool required) const {
    if (required && !Has(key)) errors_->Add(F(key), "is required");
    Objects(key, out, {"size_id", "price"}, [](const Obj& o, SizePrice& p) {
      o.Str("size_id", p.size_id, true);
      o.Money("price", p.price, true);
    });
  }
};

template <class Table, class E>
bool ParseEnum(const Obj& o, std::string_view key, const Table& table, E& out, bool required,
               std::string_view message) {
  std::string text;
  if (!o.Str(key, text, required)) return false;
  for (const auto& e : table) {
    if (e.name == text) {
      if constexpr (std::is_same_v<E, ProductKind>) out = e.kind;
      if constexpr (std::is_same_v<E, PromotionKind>) out = e.kind;
      if constexpr (std::is_same_v<E, Channel>) out = e.channel;
      return true;
    }
  }
  o.errors().Add(o.F(key), std::string(message));
  return false;
}

void ParseProduct(const Obj& o, Product& p) {
  o.Str("id", p.id, true);
  o.Str("category_id", p.category_id, true);
  ParseEnum(o, "kind", kProductKinds, p.kind, true, "must be pizza, side, drink, dessert or other");
  o.Text("name", p.name, true);
  o.Text("description", p.description);
  o.Str("image_url", p.image_url);
  o.Str("tax_category", p.tax_category, true);
  if (!o.Has("sizes")) o.errors().Add(o.F("sizes"), "is required");
  o.Objects("sizes", p.sizes, {"size_id", "price", "calories", "allergens"},
            [](const Obj& s, ProductSize& size) {
              s.Str("size_id", size.size_id, true);
              s.Money("price", size.price, true);
              s.Int("calories", size.calories);
              s.Strings("allergens", size.allergens);
            });
  o.Strings("crust_ids", p.crust_ids);
  o.Str("default_crust_id", p.default_crust_id);
  o.Strings("modifier_group_ids", p.modifier_group_ids);
  o.Strings("default_topping_ids", p.default_topping_ids);
  o.Windows("availability", p.availability);
}

void ParseDeal(const Obj& o, Deal& d) {
  o.Str("id", d.id, true);
  o.Str("category_id", d.category_id, true);
  o.Text("name", d.name, true);
  o.Text("description", d.description);
  o.Str("image_url", d.image_url);
  o.Str("tax_category", d.tax_category, true);
  o.Money("price", d.price, true);
  if (!o.Has("slots")) o.errors().Add(o.F("slots"), "is required");
  o.Objects("slots", d.slots,
            {"name", "product_ids", "category_id", "size_ids", "quantity", "included_toppings",
             "upcharges"},
            [](const Obj& s, DealSlot& slot) {
              s.Text("name", slot.name, true);
              s.Strings("product_ids", slot.product_ids);
              s.Str("category_id", slot.category_id);
              s.Strings("size_ids", slot.size_ids);
              s.Int("quantity", slot.quantity);
              s.Int("included_toppings", slot.included_toppings);
              s.Objects("upcharges", slot.upcharges, {"product_id", "size_id", "amount"},
                        [](const Obj& u, SlotUpcharge& up) {
                          u.Str("product_id", up.product_id);
                          u.Str("size_id", up.size_id);
                          u.Money("amount", up.amount, true);
                        });
            });
  o.Windows("availability", d.availability);
}

void ParsePromotion(const Obj& o, Promotion& p) {
  o.Str("id", p.id, true);
  o.Str("code", p.code);
  o.Text("name", p.name, true);
  ParseEnum(o, "kind", kPromotionKinds, p.kind, true,
            "must be percent_off, amount_off, fixed_bundle_price, buy_x_get_y or free_delivery");
  o.Int64("percent_off", p.percent_off, false, "must be an integer in 1/1000 % (20000 = 20 %)");
  o.Money("amount_off", p.amount_off);
  o.Int("bundle_quantity", p.bundle_quantity);
  o.Money("bundle_price", p.bundle_price);
  o.Int("buy_quantity", p.buy_quantity);
  o.Int("get_quantity", p.get_quantity);
  o.Int64("get_percent_off", p.get_percent_off, false,
          "must be an integer in 1/1000 % (100000 = free)");
  o.Strings("product_ids", p.product_ids);
  o.Strings("category_ids", p.category_ids);
  o.Strings("size_ids", p.size_ids);
  o.Bool("applies_to_deals", p.applies_to_deals);
  o.Money("minimum_subtotal", p.minimum_subtotal);
  o.Time("valid_from", p.valid_from);
  o.Time("valid_until", p.valid_until);
  o.Windows("local_hours", p.local_hours);
  p.channels.clear();
  o.Array("channels", false, [&](const json::value& v, const std::string& path) {
    const json::string* s = v.if_string();
    for (const auto& e : kChannels) {
      if (s && *s == e.name) {
        p.channels.push_back(e.channel);
        return;
      }
    }
    o.errors().Add(path, "must be web, kiosk or pos");
  });
  o.OptInt("max_uses_per_customer", p.max_uses_per_customer);
  o.OptInt("max_uses_total", p.max_uses_total);
  o.Bool("stackable", p.stackable);
}

void ParseReward(const Obj& o, Reward& r) {
  o.Str("id", r.id, true);
  o.Text("name", r.name, true);
  o.Int64("points", r.points, true, "must be an integer number of points");
  o.Money("amount_off", r.amount_off, true);
  o.Money("minimum_subtotal", r.minimum_subtotal);
}

/// True if `field` is `prefix` or lies under it (`prefix.x`, `prefix[3]`).
bool IsUnder(std::string_view field, std::string_view prefix) {
  if (!field.starts_with(prefix)) return false;
  if (field.size() == prefix.size()) return true;
  return field[prefix.size()] == '.' || field[prefix.size()] == '[';
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

json::object TextJson(const LocalizedText& text) {
  json::object o;
  for (const auto& [locale, value] : text) o[locale] = value;
  return o;
}

json::array StringsJson(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return a;
}

json::object WindowsJson(const Availability& availability) {
  json::array windows;
  for (const auto& w : availability.windows) {
    windows.push_back(json::object{
        {"weekday", w.weekday}, {"start_minute", w.start_minute}, {"end_minute", w.end_minute}});
  }
  return json::object{{"windows", std::move(windows)}};
}

json::array SizePricesJson(const std::vector<SizePrice>& prices) {
  json::array a;
  for (const auto& p : prices)
    a.push_back(json::object{{"size_id", p.size_id}, {"price", p.price}});
  return a;
}

json::object MoneyJson(MinorUnits amount, std::string_view currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

std::string Clock(int minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

/// Customer-facing fixed strings of the public menu, by language ("en" is the fallback).
struct UiText {
  std::string_view sold_out;
  std::string_view not_now;
};
UiText Ui(std::string_view locale) {
  if (locale.starts_with("es")) return {"Agotado", "No disponible ahora"};
  return {"Sold out", "Not available now"};
}

json::array HoursJson(const Availability& availability) {
  json::array out;
  for (const auto& w : availability.windows) {
    if (w.weekday < 0 || w.weekday > 6) continue;
    out.push_back(json::object{
        {"day", kDays[w.weekday]}, {"start", Clock(w.start_minute)}, {"end", Clock(w.end_minute)}});
  }
  return out;
}

/// The next opening of a daypart after `now` (within a week), or nullopt.
std::optional<std::pair<int, int>> NextOpening(const Availability& availability, LocalTime now) {
  std::optional<int> best;  // minutes from now
  std::pair<int, int> at{};
  for (const auto& w : availability.windows) {
    if (w.weekday < 0 || w.weekday > 6) continue;
    int delta = ((w.weekday - now.weekday + 7) % 7) * 1440 + w.start_minute - now.minute_of_day;
    if (delta <= 0) delta += 7 * 1440;
    if (!best || delta < *best) {
      best = delta;
      at = {w.weekday, w.start_minute};
    }
  }
  if (!best) return std::nullopt;
  return at;
}

/// Everything the public menu needs besides the catalog: store, locale, time.
class PublicWriter {
 public:
  PublicWriter(const Catalog& c, const StoreMenuContext& s, std::string_view locale,
               LocalTime local_now, std::optional<core::TimePoint> now)
      : c_(c), s_(s), locale_(locale), local_now_(local_now), now_(now), ui_(Ui(locale)) {}

  std::string_view T(const LocalizedText& text) const {
    return Text(text, locale_, c_.fallback_locale);
  }

  json::object Money(MinorUnits amount) const { return MoneyJson(amount, s_.currency.code()); }

  const Unavailability* EightySixed(std::string_view id) const {
    auto it = s_.unavailable.find(id);
    if (it == s_.unavailable.end()) return nullptr;
    if (now_ && !IsEightySixed(s_, id, *now_)) return nullptr;
    return &it->second;
  }

  bool IsOff(std::string_view id) const { return EightySixed(id) != nullptr; }

  /// Writes available / reason / available_from into `out`.
  void Availability(json::object& out, std::string_view id, const menu::Availability& hours,
                    bool sold_out_anyway = false) const {
    if (const Unavailability* off = EightySixed(id); off || sold_out_anyway) {
      out["available"] = false;
      out["reason_code"] = "sold_out";
      out["reason"] = ui_.sold_out;
      if (off && off->until) out["available_again_at"] = core::FormatRfc3339(*off->until);
      return;
    }
    if (!IsAvailableAt(hours, local_now_)) {
      out["available"] = false;
      out["reason_code"] = "not_available_now";
      out["reason"] = ui_.not_now;
      if (auto next = NextOpening(hours, local_now_)) {
        out["available_from"] =
            json::object{{"day", kDays[next->first]}, {"time", Clock(next->second)}};
      }
      return;
    }
    out["available"] = true;
  }

  MinorUnits ProductPrice(const Product& p, const ProductSize& size) const {
    if (auto it = s_.product_prices.find(p.id); it != s_.product_prices.end()) {
      if (auto jt = it->second.find(size.size_id); jt != it->second.end()) return jt->second;
    }
    return size.price;
  }

  std::optional<MinorUnits> ToppingPrice(const Topping& t, std::string_view size_id) const {
    if (auto it = s_.topping_prices.find(t.id); it != s_.topping_prices.end()) {
      if (auto jt = it->second.find(size_id); jt != it->second.end()) return jt->second;
    }
    return PriceForSize(t.prices, size_id);
  }

  /// The product's sizes in the catalog's size order.
  std::vector<const ProductSize*> SortedSizes(const Product& p) const {
    std::vector<const ProductSize*> sizes;
    for (const auto& s : p.sizes) sizes.push_back(&s);
    std::stable_sort(sizes.begin(), sizes.end(), [&](const ProductSize* a, const ProductSize* b) {
      const Size* sa = c_.FindSize(a->size_id);
      const Size* sb = c_.FindSize(b->size_id);
      return (sa ? sa->sort_order : 0) < (sb ? sb->sort_order : 0);
    });
    return sizes;
  }

  std::string_view SizeName(std::string_view id) const {
    const Size* s = c_.FindSize(id);
    return s ? T(s->name) : id;
  }

  json::object ProductJson(const Product& p) const {
    json::object out;
    out["id"] = p.id;
    out["kind"] = Name(p.kind);
    out["name"] = T(p.name);
    out["description"] = T(p.description);
    out["image_url"] = p.image_url;
    const auto sizes = SortedSizes(p);
    json::array sizes_json;
    for (const ProductSize* s : sizes) {
      sizes_json.push_back(json::object{{"id", s->size_id},
                                        {"name", SizeName(s->size_id)},
                                        {"price", Money(ProductPrice(p, *s))},
                                        {"calories", s->calories},
                                        {"allergens", StringsJson(s->allergens)}});
    }
    out["sizes"] = std::move(sizes_json);
    json::array crusts;
    for (const auto& id : p.crust_ids) {
      const Crust* crust = c_.FindCrust(id);
      if (!crust) continue;
      json::array upcharges;
      for (const ProductSize* s : sizes) {
        if (auto up = PriceForSize(crust->upcharges, s->size_id)) {
          upcharges.push_back(json::object{{"size", s->size_id}, {"price", Money(*up)}});
        }
      }
      json::object cj{{"id", crust->id},
                      {"name", T(crust->name)},
                      {"is_default", crust->id == p.default_crust_id},
                      {"upcharges", std::move(upcharges)},
                      {"allergens", StringsJson(crust->allergens)}};
      Availability(cj, crust->id, {});
      crusts.push_back(std::move(cj));
    }
    out["crusts"] = std::move(crusts);
    json::array groups;
    for (const auto& gid : p.modifier_group_ids) {
      const ModifierGroup* g = c_.FindModifierGroup(gid);
      if (!g) continue;
      json::array options;
      for (const auto& o : g->options) {
        const Topping* t = c_.FindTopping(o.topping_id);
        if (!t) continue;
        json::array prices;
        for (const ProductSize* s : sizes) {
          if (auto price = ToppingPrice(*t, s->size_id)) {
            prices.push_back(json::object{{"size", s->size_id}, {"price", Money(*price)}});
          }
        }
        json::object oj{
            {"topping_id", t->id},
            {"name", T(t->name)},
            {"is_default", o.is_default},
            {"prices", std::move(prices)},
            {"extra_multiplier_bp", t->extra_multiplier_bp.value_or(c_.extra_multiplier_bp)},
            {"calories", t->calories},
            {"allergens", StringsJson(t->allergens)}};
        Availability(oj, t->id, {});
        options.push_back(std::move(oj));
      }
      groups.push_back(json::object{{"id", g->id},
                                    {"name", T(g->name)},
                                    {"min_selections", g->min_selections},
                                    {"max_selections", g->max_selections},
                                    {"options", std::move(options)}});
    }
    out["modifier_groups"] = std::move(groups);
    out["default_toppings"] = StringsJson(p.default_topping_ids);
    out["available_hours"] = HoursJson(p.availability);
    Availability(out, p.id, p.availability);
    return out;
  }

  /// The products a deal slot allows.
  std::vector<const Product*> SlotProducts(const DealSlot& slot) const {
    std::vector<const Product*> out;
    if (!slot.product_ids.empty()) {
      for (const auto& id : slot.product_ids) {
        if (const Product* p = c_.FindProduct(id)) out.push_back(p);
      }
      return out;
    }
    for (const auto& p : c_.products) {
      if (slot.category_id.empty() || p.category_id == slot.category_id) out.push_back(&p);
    }
    return out;
  }

  json::object DealJson(const Deal& d) const {
    json::object out;
    out["id"] = d.id;
    out["kind"] = "deal";
    out["name"] = T(d.name);
    out["description"] = T(d.description);
    out["image_url"] = d.image_url;
    out["price"] = Money(d.price);
    bool slot_empty = false;
    json::array slots;
    for (const auto& slot : d.slots) {
      json::array products;
      bool any = false;
      for (const Product* p : SlotProducts(slot)) {
        const bool on = !IsOff(p->id) && IsAvailableAt(p->availability, local_now_);
        any = any || on;
        products.push_back(json::object{{"id", p->id}, {"name", T(p->name)}, {"available", on}});
      }
      slot_empty = slot_empty || !any;
      json::array upcharges;
      for (const auto& u : slot.upcharges) {
        upcharges.push_back(json::object{
            {"product_id", u.product_id}, {"size", u.size_id}, {"price", Money(u.amount)}});
      }
      slots.push_back(json::object{{"name", T(slot.name)},
                                   {"quantity", slot.quantity},
                                   {"included_toppings", slot.included_toppings},
                                   {"sizes", StringsJson(slot.size_ids)},
                                   {"products", std::move(products)},
                                   {"upcharges", std::move(upcharges)}});
    }
    out["slots"] = std::move(slots);
    out["available_hours"] = HoursJson(d.availability);
    Availability(out, d.id, d.availability, slot_empty);
    return out;
  }

  json::object PromotionJson(const Promotion& p) const {
    json::object out{{"id", p.id}, {"name", T(p.name)}, {"kind", Name(p.kind)}};
    switch (p.kind) {
      case PromotionKind::kPercentOff:
        out["percent_off"] = p.percent_off;
        break;
      case PromotionKind::kAmountOff:
        out["amount_off"] = Money(p.amount_off);
        break;
      case PromotionKind::kFixedBundlePrice:
        out["bundle_quantity"] = p.bundle_quantity;
        out["bundle_price"] = Money(p.bundle_price);
        break;
      case PromotionKind::kBuyXGetY:
        out["buy_quantity"] = p.buy_quantity;
        out["get_quantity"] = p.get_quantity;
        out["get_percent_off"] = p.get_percent_off;
        break;
      case PromotionKind::kFreeDelivery:
      case PromotionKind::kReward:
        break;
    }
    out["product_ids"] = StringsJson(p.product_ids);
    out["category_ids"] = StringsJson(p.category_ids);
    out["size_ids"] = StringsJson(p.size_ids);
    out["applies_to_deals"] = p.applies_to_deals;
    out["minimum_subtotal"] = Money(p.minimum_subtotal);
    json::array channels;
    for (Channel ch : p.channels) channels.emplace_back(Name(ch));
    out["channels"] = std::move(channels);
    if (p.valid_from) out["valid_from"] = core::FormatRfc3339(*p.valid_from);
    if (p.valid_until) out["valid_until"] = core::FormatRfc3339(*p.valid_until);
    out["available_hours"] = HoursJson(p.local_hours);
    out["available"] = IsAvailableAt(p.local_hours, local_now_);
    return out;
  }

  json::object RewardJson(const Reward& r) const {
    return json::object{{"id", r.id},
                        {"name", T(r.name)},
                        {"points", r.points},
                        {"amount_off", Money(r.amount_off)},
                        {"minimum_subtotal", Money(r.minimum_subtotal)}};
  }

 private:
  const Catalog& c_;
  const StoreMenuContext& s_;
  std::string_view locale_;
  LocalTime local_now_;
  std::optional<core::TimePoint> now_;
  UiText ui_;
};

// ---------------------------------------------------------------------------------------------
// Quote requests
// ---------------------------------------------------------------------------------------------

void ParseToppings(const Obj& o, std::vector<ToppingChoice>& out) {
  out.clear();
  o.Array("toppings", false, [&](const json::value& v, const std::string& path) {
    if (out.size() == kMaxToppingsPerItem) {
      o.errors().Add(path, fmt::format("at most {} toppings per item", kMaxToppingsPerItem));
      return;
    }
    ToppingChoice choice;
    auto t = Obj::Open(v, path, o.errors(), {});
    if (!t) return;
    t->Str("topping_id", choice.topping_id, true);
    std::string portion;
    if (t->Str("portion", portion)) {
      if (portion == "whole") {
        choice.portion = Portion::kWhole;
      } else if (portion == "left") {
        choice.portion = Portion::kLeft;
      } else if (portion == "right") {
        choice.portion = Portion::kRight;
      } else {
        o.errors().Add(t->F("portion"), "must be whole, left or right");
      }
    }
    std::string amount;
    if (t->Str("amount", amount)) {
      if (amount == "light") {
        choice.amount = ToppingAmount::kLight;
      } else if (amount == "normal") {
        choice.amount = ToppingAmount::kNormal;
      } else if (amount == "extra") {
        choice.amount = ToppingAmount::kExtra;
      } else {
        o.errors().Add(t->F("amount"), "must be light, normal or extra");
      }
    }
    out.push_back(std::move(choice));
  });
}

/// product_id, size, crust, toppings, removed_toppings (notes are checked, not kept).
void ParseSelection(const Obj& o, ItemSelection& item) {
  o.Str("product_id", item.product_id, true);
  o.Str("size", item.size_id, true);
  o.Str("crust", item.crust_id);
  ParseToppings(o, item.toppings);
  o.Strings("removed_toppings", item.removed_toppings);
  std::string notes;
  if (o.Str("notes", notes) && notes.size() > kMaxNotes) {
    o.errors().Add(o.F("notes"), fmt::format("must be at most {} characters", kMaxNotes));
  }
}

void ParseQuantity(const Obj& o, int& quantity) {
  const json::value* v = o.Get("quantity", false);
  if (!v) return;
  if (!v->is_int64() || v->get_int64() < 1 || v->get_int64() > kMaxQuantity) {
    o.errors().Add(o.F("quantity"), fmt::format("must be an integer from 1 to {}", kMaxQuantity));
    return;
  }
  quantity = static_cast<int>(v->get_int64());
}

std::string RatePercent(std::int64_t rate) {
  // 1/1000 % → "8.875", "19", "7.5".
  std::string s = fmt::format("{}.{:03}", rate / 1000, rate % 1000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Catalog (admin form)
// ---------------------------------------------------------------------------------------------

core::Result<Catalog> ParseCatalog(const json::value& body) {
  if (!body.is_object()) {
    return core::Fail(core::Error::BadRequest("the body must be a JSON object (a catalog)"));
  }
  core::FieldErrors errors;
  Catalog c;
  auto o = Obj::Open(body, "", errors,
                     {"currency", "fallback_locale", "required_locales", "extra_multiplier_bp", "limits",
                      "categories", "sizes", "crusts", "toppings", "modifier_groups", "products",
                      "deals", "promotions", "rewards"});
  o->Str("currency", c.currency, true);
  o->Str("fallback_locale", c.fallback_locale, true);
  o->Strings("required_locales", c.required_locales, true);
  o->Int64("extra_multiplier_bp", c.extra_multiplier_bp, false,
           "must be an integer in basis points (15000 = 1.5×)");
  if (const json::value* limits = o->Get("limits", false)) {
    if (auto l = Obj::Open(*limits, "limits", errors,
                           {"max_lines", "max_quantity", "max_tip", "max_tip_bp", "max_total"})) {
      std::int64_t lines = c.limits.max_lines, quantity = c.limits.max_quantity;
      l->Int64("max_lines", lines, false, "must be an integer from 1 to 100", 1, 100);
      l->Int64("max_quantity", quantity, false, "must be an integer from 1 to 999", 1, 999);
      l->Int64("max_tip", c.limits.max_tip, false, "must be minor units from 0 to 10000000", 0, 10'000'000);
      l->Int64("max_tip_bp", c.limits.max_tip_bp, false, "must be basis points from 0 to 100000", 0, 100'000);
      l->Int64("max_total", c.limits.max_total, false, "must be minor units from 1 to 1000000000", 1, 1'000'000'000);
      c.limits.max_lines = int(lines);
      c.limits.max_quantity = int(quantity);
    }
  }
  o->Objects("categories", c.categories, {"id", "name", "sort_order"},
             [](const Obj& x, Category& cat) {
               x.Str("id", cat.id, true);
               x.Text("name", cat.name, true);
               x.Int("sort_order", cat.sort_order);
             });
  o->Objects("sizes", c.sizes, {"id", "name", "sort_order"}, [](const Obj& x, Size& size) {
    x.Str("id", size.id, true);
    x.Text("name", size.name, true);
    x.Int("sort_order", size.sort_order);
  });
  o->Objects("crusts", c.crusts, {"id", "name", "upcharges", "allergens"},
             [](const Obj& x, Crust& crust) {
               x.Str("id", crust.id, true);
               x.Text("name", crust.name, true);
               x.SizePrices("upcharges", crust.upcharges, true);
               x.Strings("allergens", crust.allergens);
             });
  o->Objects("toppings", c.toppings,
             {"id", "name", "prices", "extra_multiplier_bp", "allergens", "calories"},
             [](const Obj& x, Topping& t) {
               x.Str("id", t.id, true);
               x.Text("name", t.name, true);
               x.SizePrices("prices", t.prices, true);
               x.OptInt64("extra_multiplier_bp", t.extra_multiplier_bp);
               x.Strings("allergens", t.allergens);
               x.Int("calories", t.calories);
             });
  o->Objects("modifier_groups", c.modifier_groups,
             {"id", "name", "min_selections", "max_selections", "options"},
             [](const Obj& x, ModifierGroup& g) {
               x.Str("id", g.id, true);
               x.Text("name", g.name, true);
               x.Int("min_selections", g.min_selections, true);
               x.Int("max_selections", g.max_selections, true);
               x.Objects("options", g.options, {"topping_id", "is_default"},
                         [](const Obj& y, ModifierOption& opt) {
                           y.Str("topping_id", opt.topping_id, true);
                           y.Bool("is_default", opt.is_default);
                         });
             });
  o->Objects("products", c.products,
             {"id", "category_id", "kind", "name", "description", "image_url", "tax_category",
              "sizes", "crust_ids", "default_crust_id", "modifier_group_ids", "default_topping_ids",
              "availability"},
             ParseProduct);
  o->Objects("deals", c.deals,
             {"id", "category_id", "name", "description", "image_url", "tax_category", "price",
              "slots", "availability"},
             ParseDeal);
  o->Objects("promotions", c.promotions,
             {"id",
              "code",
              "name",
              "kind",
              "percent_off",
              "amount_off",
              "bundle_quantity",
              "bundle_price",
              "buy_quantity",
              "get_quantity",
              "get_percent_off",
              "product_ids",
              "category_ids",
              "size_ids",
              "applies_to_deals",
              "minimum_subtotal",
              "valid_from",
              "valid_until",
              "local_hours",
              "channels",
              "max_uses_per_customer",
              "max_uses_total",
              "stackable"},
             ParsePromotion);
  o->Objects("rewards", c.rewards, {"id", "name", "points", "amount_off", "minimum_subtotal"},
             ParseReward);
  c.BuildIndex();

  // Semantic errors, except under a field that is already wrong in shape (its parsed value is a
  // placeholder, so anything said about it would be noise).
  const std::vector<core::FieldError> structural = errors.list();
  if (auto valid = ValidateCatalog(c); !valid) {
    for (const auto& f : valid.error().fields) {
      const bool covered =
          std::any_of(structural.begin(), structural.end(),
                      [&](const core::FieldError& s) { return IsUnder(f.field, s.field); });
      if (!covered) errors.Add(f.field, f.message);
    }
  }
  if (!errors.empty()) {
    return core::Fail(core::Error::Validation(errors.list(), "The catalog has invalid fields."));
  }
  return c;
}

std::string CatalogToJson(const Catalog& c) {
  json::object out;
  out["currency"] = c.currency;
  out["fallback_locale"] = c.fallback_locale;
  out["required_locales"] = StringsJson(c.required_locales);
  out["extra_multiplier_bp"] = c.extra_multiplier_bp;
  out["limits"] = json::object{{"max_lines", c.limits.max_lines},
                               {"max_quantity", c.limits.max_quantity},
                               {"max_tip", c.limits.max_tip},
                               {"max_tip_bp", c.limits.max_tip_bp},
                               {"max_total", c.limits.max_total}};
  json::array categories;
  for (const auto& x : c.categories) {
    categories.push_back(
        json::object{{"id", x.id}, {"name", TextJson(x.name)}, {"sort_order", x.sort_order}});
  }
  out["categories"] = std::move(categories);
  json::array sizes;
  for (const auto& x : c.sizes) {
    sizes.push_back(
        json::object{{"id", x.id}, {"name", TextJson(x.name)}, {"sort_order", x.sort_order}});
  }
  out["sizes"] = std::move(sizes);
  json::array crusts;
  for (const auto& x : c.crusts) {
    crusts.push_back(json::object{{"id", x.id},
                                  {"name", TextJson(x.name)},
                                  {"upcharges", SizePricesJson(x.upcharges)},
                                  {"allergens", StringsJson(x.allergens)}});
  }
  out["crusts"] = std::move(crusts);
  json::array toppings;
  for (const auto& x : c.toppings) {
    json::object t{{"id", x.id}, {"name", TextJson(x.name)}, {"prices", SizePricesJson(x.prices)}};
    if (x.extra_multiplier_bp) t["extra_multiplier_bp"] = *x.extra_multiplier_bp;
    t["allergens"] = StringsJson(x.allergens);
    t["calories"] = x.calories;
    toppings.push_back(std::move(t));
  }
  out["toppings"] = std::move(toppings);
  json::array groups;
  for (const auto& g : c.modifier_groups) {
    json::array options;
    for (const auto& o : g.options) {
      options.push_back(json::object{{"topping_id", o.topping_id}, {"is_default", o.is_default}});
    }
    groups.push_back(json::object{{"id", g.id},
                                  {"name", TextJson(g.name)},
                                  {"min_selections", g.min_selections},
                                  {"max_selections", g.max_selections},
                                  {"options", std::move(options)}});
  }
  out["modifier_groups"] = std::move(groups);
  json::array products;
  for (const auto& p : c.products) {
    json::array psizes;
    for (const auto& s : p.sizes) {
      psizes.push_back(json::object{{"size_id", s.size_id},
                                    {"price", s.price},
                                    {"calories", s.calories},
                                    {"allergens", StringsJson(s.allergens)}});
    }
    products.push_back(json::object{{"id", p.id},
                                    {"category_id", p.category_id},
                                    {"kind", Name(p.kind)},
                                    {"name", TextJson(p.name)},
                                    {"description", TextJson(p.description)},
                                    {"image_url", p.image_url},
                                    {"tax_category", p.tax_category},
                                    {"sizes", std::move(psizes)},
                                    {"crust_ids", StringsJson(p.crust_ids)},
                                    {"default_crust_id", p.default_crust_id},
                                    {"modifier_group_ids", StringsJson(p.modifier_group_ids)},
                                    {"default_topping_ids", StringsJson(p.default_topping_ids)},
                                    {"availability", WindowsJson(p.availability)}});
  }
  out["products"] = std::move(products);
  json::array deals;
  for (const auto& d : c.deals) {
    json::array slots;
    for (const auto& s : d.slots) {
      json::array upcharges;
      for (const auto& u : s.upcharges) {
        upcharges.push_back(json::object{
            {"product_id", u.product_id}, {"size_id", u.size_id}, {"amount", u.amount}});
      }
      slots.push_back(json::object{{"name", TextJson(s.name)},
                                   {"product_ids", StringsJson(s.product_ids)},
                                   {"category_id", s.category_id},
                                   {"size_ids", StringsJson(s.size_ids)},
                                   {"quantity", s.quantity},
                                   {"included_toppings", s.included_toppings},
                                   {"upcharges", std::move(upcharges)}});
    }
    deals.push_back(json::object{{"id", d.id},
                                 {"category_id", d.category_id},
                                 {"name", TextJson(d.name)},
                                 {"description", TextJson(d.description)},
                                 {"image_url", d.image_url},
                                 {"tax_category", d.tax_category},
                                 {"price", d.price},
                                 {"slots", std::move(slots)},
                                 {"availability", WindowsJson(d.availability)}});
  }
  out["deals"] = std::move(deals);
  json::array promotions;
  for (const auto& p : c.promotions) {
    json::object j{{"id", p.id},
                   {"code", p.code},
                   {"name", TextJson(p.name)},
                   {"kind", Name(p.kind)},
                   {"percent_off", p.percent_off},
                   {"amount_off", p.amount_off},
                   {"bundle_quantity", p.bundle_quantity},
                   {"bundle_price", p.bundle_price},
                   {"buy_quantity", p.buy_quantity},
                   {"get_quantity", p.get_quantity},
                   {"get_percent_off", p.get_percent_off},
                   {"product_ids", StringsJson(p.product_ids)},
                   {"category_ids", StringsJson(p.category_ids)},
                   {"size_ids", StringsJson(p.size_ids)},
                   {"applies_to_deals", p.applies_to_deals},
                   {"minimum_subtotal", p.minimum_subtotal}};
    if (p.valid_from) j["valid_from"] = core::FormatRfc3339(*p.valid_from);
    if (p.valid_until) j["valid_until"] = core::FormatRfc3339(*p.valid_until);
    j["local_hours"] = WindowsJson(p.local_hours);
    json::array channels;
    for (Channel ch : p.channels) channels.emplace_back(Name(ch));
    j["channels"] = std::move(channels);
    if (p.max_uses_per_customer) j["max_uses_per_customer"] = *p.max_uses_per_customer;
    if (p.max_uses_total) j["max_uses_total"] = *p.max_uses_total;
    j["stackable"] = p.stackable;
    promotions.push_back(std::move(j));
  }
  out["promotions"] = std::move(promotions);
  json::array rewards;
  for (const auto& r : c.rewards) {
    rewards.push_back(json::object{{"id", r.id},
                                   {"name", TextJson(r.name)},
                                   {"points", r.points},
                                   {"amount_off", r.amount_off},
                                   {"minimum_subtotal", r.minimum_subtotal}});
  }
  out["rewards"] = std::move(rewards);
  return json_text::Serialize(out);
}

// ---------------------------------------------------------------------------------------------
// Public store menu
// ---------------------------------------------------------------------------------------------

std::string PublicMenuJson(const Catalog& catalog, const StoreMenuContext& store,
                           std::string_view locale, const LocalTime& local_now,
                           std::string_view version_id, std::optional<core::TimePoint> now,
                           std::string_view generated_at) {
  PublicWriter w(catalog, store, locale, local_now, now);
  json::object out;
  out["version_id"] = version_id;
  if (!generated_at.empty()) out["generated_at"] = generated_at;
  out["locale"] = locale;
  out["fallback_locale"] = catalog.fallback_locale;
  out["currency"] = store.currency.code();
  out["tax_mode"] = store.tax_mode == TaxMode::kInclusive ? "inclusive" : "exclusive";

  std::vector<const Size*> sizes;
  for (const auto& s : catalog.sizes) sizes.push_back(&s);
  std::stable_sort(sizes.begin(), sizes.end(),
                   [](const Size* a, const Size* b) { return a->sort_order < b->sort_order; });
  json::array sizes_json;
  for (const Size* s : sizes) {
    sizes_json.push_back(json::object{{"id", s->id}, {"name", w.T(s->name)}});
  }
  out["sizes"] = std::move(sizes_json);

  std::vector<const Category*> categories;
  for (const auto& c : catalog.categories) categories.push_back(&c);
  std::stable_sort(categories.begin(), categories.end(), [](const Category* a, const Category* b) {
    return a->sort_order < b->sort_order;
  });
  json::array categories_json;
  for (const Category* cat : categories) {
    json::array products;
    for (const auto& p : catalog.products) {
      if (p.category_id == cat->id) products.push_back(w.ProductJson(p));
    }
    json::array deals;
    for (const auto& d : catalog.deals) {
      if (d.category_id == cat->id) deals.push_back(w.DealJson(d));
    }
    if (products.empty() && deals.empty()) continue;
    categories_json.push_back(json::object{{"id", cat->id},
                                           {"name", w.T(cat->name)},
                                           {"products", std::move(products)},
                                           {"deals", std::move(deals)}});
  }
  out["categories"] = std::move(categories_json);

  json::array promotions;
  for (const auto& p : catalog.promotions) {
    if (p.code.empty()) promotions.push_back(w.PromotionJson(p));
  }
  out["promotions"] = std::move(promotions);
  json::array rewards;
  for (const auto& r : catalog.rewards) rewards.push_back(w.RewardJson(r));
  out["rewards"] = std::move(rewards);
  return json_text::Serialize(out);
}

// ---------------------------------------------------------------------------------------------
// Quotes
// ---------------------------------------------------------------------------------------------

core::Result<QuoteRequest> ParseQuoteRequest(const json::value& body,
                                             const core::Currency& currency) {
  if (!body.is_object()) {
    return core::Fail(core::Error::BadRequest("the body must be a JSON object (a cart)"));
  }
  core::FieldErrors errors;
  QuoteRequest request;
  // Unknown keys are not errors here: the order service reads store_id, type, address …
  auto o = Obj::Open(body, "", errors, {});
  std::size_t lines = 0;
  o->Array("items", false, [&](const json::value& v, const std::string& path) {
    if (++lines > kMaxLines) {
      if (lines == kMaxLines + 1) errors.Add("items", fmt::format("at most {} lines", kMaxLines));
      return;
    }
    CartLine line;
    if (auto item = Obj::Open(v, path, errors, {})) {
      ParseSelection(*item, line.item);
      ParseQuantity(*item, line.quantity);
    }
    request.items.push_back(std::move(line));
  });
  o->Array("deals", false, [&](const json::value& v, const std::string& path) {
    if (++lines > kMaxLines) {
      if (lines == kMaxLines + 1) errors.Add("deals", fmt::format("at most {} lines", kMaxLines));
      return;
    }
    CartLine line;
    if (auto deal = Obj::Open(v, path, errors, {})) {
      deal->Str("deal_id", line.deal_id, true);
      ParseQuantity(*deal, line.quantity);
      deal->Array("items", true, [&](const json::value& iv, const std::string& ipath) {
        DealItemChoice choice;
        if (auto item = Obj::Open(iv, ipath, errors, {})) {
          std::int64_t slot = 0;
          if (item->Int64("slot", slot, true, "must be the index of a slot of the deal", 0, 99)) {
            choice.slot = static_cast<std::size_t>(slot);
          }
          ParseSelection(*item, choice.item);
        }
        line.deal_items.push_back(std::move(choice));
      });
    }
    request.items.push_back(std::move(line));
  });
  if (o->Str("coupon_code", request.coupon_code) && request.coupon_code.size() > 64) {
    errors.Add("coupon_code", "must be at most 64 characters");
  }
  if (o->Str("reward_id", request.reward_id) && request.reward_id.size() > 64) {
    errors.Add("reward_id", "must be at most 64 characters");
  }
  if (const json::value* tip = o->Get("tip", false)) {
    const json::object* m = tip->if_object();
    const json::value* amount = m ? m->if_contains("amount") : nullptr;
    const json::value* code = m ? m->if_contains("currency") : nullptr;
    if (!amount || !amount->is_int64() || !code || !code->is_string()) {
      errors.Add("tip", "must be {\"amount\": minor units, \"currency\": code}");
    } else if (code->get_string() != currency.code()) {
      errors.Add("tip.currency", fmt::format("must be the store's currency {}", currency.code()));
    } else if (amount->get_int64() < 0) {
      errors.Add("tip.amount", "must not be negative");
    } else {
      request.tip = core::Money(amount->get_int64(), currency);
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return request;
}

std::string ClientQuoteField(std::string_view engine_field, std::size_t item_count) {
  std::string out(engine_field);
  constexpr std::string_view kItems = "items[";
  if (out.starts_with(kItems)) {
    const auto close = out.find(']');
    if (close != std::string::npos) {
      const std::size_t line = std::stoul(out.substr(kItems.size(), close - kItems.size()));
      if (line >= item_count) {
        out = fmt::format("deals[{}]{}", line - item_count, out.substr(close + 1));
      }
    }
  }
  auto replace = [&](std::string_view from, std::string_view to) {
    for (auto pos = out.find(from); pos != std::string::npos;
         pos = out.find(from, pos + to.size())) {
      out.replace(pos, from.size(), to);
    }
  };
  replace(".deal_items", ".items");
  auto suffix = [&](std::string_view from, std::string_view to) {
    if (out.ends_with(from)) out.replace(out.size() - from.size(), from.size(), to);
  };
  suffix(".size_id", ".size");
  suffix(".crust_id", ".crust");
  return out;
}

namespace {

/// Compact JSON text written straight into a string, in the order it is written: what
/// json_text::Serialize would give for the same boost::json tree, without building one (a quote's
/// tree was most of a quote request's allocations).
class JsonWriter {
 public:
  std::string out;

  /// A member's key: one of this file's literals, plain ASCII with nothing to escape.
  JsonWriter& K(std::string_view key) {
    if (!first_.back()) out += ',';
    first_.back() = false;
    out += '"';
    out += key;
    out += "\":";
    after_key_ = true;
    return *this;
  }
  void BeginObject() { Open('{'); }
  void BeginArray() { Open('['); }
  void EndObject() { Close('}'); }
  void EndArray() { Close(']'); }
  void Str(std::string_view v) {
    Separate();
    json_text::AppendString(out, v);
  }
  void Int(std::int64_t v) {
    Separate();
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
  void Bool(bool v) {
    Separate();
    out += v ? "true" : "false";
  }
  /// {"amount":N,"currency":"USD"} (a currency code is three capital letters).
  void Money(const core::Money& m) {
    Separate();
    fmt::format_to(std::back_inserter(out), R"({{"amount":{},"currency":"{}"}})", m.amount(), m.currency().code());
  }

 private:
  void Open(char c) {
    Separate();
    out += c;
    first_.push_back(true);
  }
  void Close(char c) {
    out += c;
    first_.pop_back();
  }
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out += ',';
      first_.back() = false;
    }
  }
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace

std::string QuoteToJson(const Catalog& catalog, const PriceQuote& quote, std::string_view locale) {
  auto text = [&](const LocalizedText& t) { return Text(t, locale, catalog.fallback_locale); };
  auto product_name = [&](std::string_view id) -> std::string_view {
    const Product* p = catalog.FindProduct(id);
    return p ? text(p->name) : id;
  };
  JsonWriter w;
  w.out.reserve(1024 + 768 * quote.lines.size());
  w.BeginObject();
  w.K("currency").Str(quote.currency.code());
  w.K("tax_mode").Str(quote.tax_mode == TaxMode::kInclusive ? "inclusive" : "exclusive");
  w.K("lines").BeginArray();
  for (const auto& l : quote.lines) {
    w.BeginObject();
    w.K("index").Int(l.index);
    if (!l.deal_id.empty()) {
      w.K("deal_id").Str(l.deal_id);
      const Deal* d = catalog.FindDeal(l.deal_id);
      w.K("name").Str(d ? text(d->name) : std::string_view(l.name));
    } else {
      w.K("product_id").Str(l.product_id);
      const Product* p = catalog.FindProduct(l.product_id);
      w.K("name").Str(p ? text(p->name) : std::string_view(l.name));
    }
    w.K("quantity").Int(l.quantity);
    w.K("tax_category").Str(l.tax_category);
    w.K("breakdown").BeginObject();
    w.K("base").Money(l.base);
    w.K("crust").Money(l.crust);
    w.K("toppings").Money(l.toppings);
    w.K("upcharges").Money(l.upcharges);
    w.EndObject();
    w.K("items").BeginArray();
    for (const auto& it : l.items) {
      const Size* size = catalog.FindSize(it.size_id);
      const Crust* crust = it.crust_id.empty() ? nullptr : catalog.FindCrust(it.crust_id);
      w.BeginObject();
      w.K("product_id").Str(it.product_id);
      w.K("name").Str(product_name(it.product_id));
      w.K("size").Str(it.size_id);
      w.K("size_name").Str(size ? text(size->name) : std::string_view(it.size_id));
      if (!it.crust_id.empty()) {
        w.K("crust").Str(it.crust_id);
        w.K("crust_name").Str(crust ? text(crust->name) : std::string_view(it.crust_id));
      }
      w.K("base").Money(it.base);
      w.K("crust_price").Money(it.crust);
      w.K("upcharge").Money(it.upcharge);
      w.K("toppings").BeginArray();
      for (const auto& t : it.toppings) {
        const Topping* top = catalog.FindTopping(t.topping_id);
        w.BeginObject();
        w.K("topping_id").Str(t.topping_id);
        w.K("name").Str(top ? text(top->name) : std::string_view(t.topping_id));
        w.K("portion").Str(Name(t.portion));
        w.K("amount").Str(Name(t.amount));
        w.K("is_default").Bool(t.is_default);
        w.K("included").Bool(t.included);
        w.K("charge").Money(t.charge);
        w.EndObject();
      }
      w.EndArray();
      w.K("unit_price").Money(it.unit_price);
      w.EndObject();
    }
    w.EndArray();
    w.K("unit_price").Money(l.unit_price);
    w.K("line_total").Money(l.line_total);
    w.K("discount").Money(l.discount);
    w.K("net").Money(l.net);
    w.K("tax").Money(l.tax);
    w.EndObject();
  }
  w.EndArray();
  w.K("discounts").BeginArray();
  for (const auto& d : quote.discounts) {
    // The kind says which list names the discount: rewards and promotions never share an id.
    const bool is_reward = d.kind == PromotionKind::kReward;
    const Promotion* p = is_reward ? nullptr : catalog.FindPromotion(d.promotion_id);
    const Reward* r = is_reward ? catalog.FindReward(d.promotion_id) : nullptr;
    w.BeginObject();
    w.K("promotion_id").Str(d.promotion_id);
    if (!d.code.empty()) w.K("code").Str(d.code);
    w.K("name").Str(p ? text(p->name) : r ? text(r->name) : std::string_view(d.name));
    w.K("kind").Str(Name(d.kind));
    w.K("target").Str(d.target == DiscountTarget::kDelivery ? "delivery" : "items");
    w.K("amount").Money(d.amount);
    w.K("lines").BeginArray();
    for (const auto& share : d.lines) {
      w.BeginObject();
      w.K("line").Int(share.line);
      w.K("amount").Money(share.amount);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.K("subtotal").Money(quote.subtotal);
  w.K("discount_total").Money(quote.discount_total);
  w.K("net_subtotal").Money(quote.net_subtotal);
  w.K("taxes").BeginArray();
  for (const auto& t : quote.taxes) {
    w.BeginObject();
    w.K("tax_category").Str(t.tax_category);
    w.K("rate").Int(t.rate);
    w.K("rate_percent").Str(RatePercent(t.rate));
    w.K("taxable").Money(t.taxable);
    w.K("tax").Money(t.tax);
    w.EndObject();
  }
  w.EndArray();
  w.K("tax_total").Money(quote.tax_total);
  w.K("delivery_fee_before_discount").Money(quote.delivery_fee_before_discount);
  w.K("delivery_fee").Money(quote.delivery_fee);
  w.K("tip").Money(quote.tip);
  w.K("total").Money(quote.total);
  if (quote.rejected_coupon) {
    w.K("rejected_coupon").BeginObject();
    w.K("code").Str(quote.rejected_coupon->code);
    w.K("message").Str(quote.rejected_coupon->message);
    w.EndObject();
  }
  if (quote.reward) {
    w.K("reward").BeginObject();
    w.K("id").Str(quote.reward->reward_id);
    w.K("points").Int(quote.reward->points);
    w.K("amount").Money(quote.reward->amount);
    w.EndObject();
  }
  w.EndObject();
  return std::move(w.out);
}

}  // namespace vetahut::menu
