#include "services/kitchen/setup_codec.hpp"

#include <boost/json.hpp>

#include "lib/json/reader.hpp"
#include "lib/json/write.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using json_read::Obj;

json::object LatenessJson(const Lateness& l) {
  return {{"warning_seconds", l.warning_seconds}, {"late_seconds", l.late_seconds}};
}

void ReadLateness(const Obj& o, Lateness& l) {
  o.Int("warning_seconds", l.warning_seconds, true);
  o.Int("late_seconds", l.late_seconds, true);
}

void ReadAmounts(const Obj& o, Recipe& r) {
  o.Str("item_id", r.item_id, true);
  o.Str("size_id", r.size_id);
  if (!o.Has("amounts")) o.errors().Add(o.F("amounts"), "is required");
  o.Objects("amounts", r.amounts, {"ingredient_id", "quantity"}, [](const Obj& a, RecipeAmount& amount) {
    a.Str("ingredient_id", amount.ingredient_id, true);
    a.Number("quantity", amount.quantity, true, 0, 1e9);
  });
}

json::array RecipesJson(const std::vector<Recipe>& recipes) {
  json::array out;
  for (const auto& r : recipes) {
    json::array amounts;
    for (const auto& a : r.amounts) amounts.push_back(json::object{{"ingredient_id", a.ingredient_id}, {"quantity", a.quantity}});
    out.push_back(json::object{{"item_id", r.item_id}, {"size_id", r.size_id}, {"amounts", std::move(amounts)}});
  }
  return out;
}

}  // namespace

std::string SetupToJson(const KitchenSetup& setup) {
  json::array stations;
  for (const auto& s : setup.stations) {
    json::object o{{"id", s.id}, {"name", s.name}, {"kind", StationKindName(s.kind)}};
    switch (s.kind) {
      case StationKind::kLine: {
        o["staff"] = s.staff;
        o["default_seconds"] = s.default_seconds;
        json::array times;
        for (const auto& t : s.times) {
          times.push_back(json::object{{"product_id", t.product_id}, {"kind", t.kind}, {"size_id", t.size_id}, {"seconds", t.seconds}});
        }
        o["times"] = std::move(times);
        break;
      }
      case StationKind::kConveyor:
        o["bake_seconds"] = s.bake_seconds;
        o["belt_width"] = s.belt_width;
        o["belt_length"] = s.belt_length;
        break;
      case StationKind::kDeck:
        o["bake_seconds"] = s.bake_seconds;
        o["slots"] = s.slots;
        break;
      case StationKind::kPass:
        break;
    }
    stations.push_back(std::move(o));
  }
  json::array routes;
  for (const auto& r : setup.routes) {
    routes.push_back(json::object{{"category_id", r.category_id}, {"kind", r.kind}, {"stations", json::value_from(r.stations)}});
  }
  json::object lateness;
  for (const auto& [type, l] : setup.lateness) lateness[type] = LatenessJson(l);
  json::object out{{"stations", std::move(stations)},
                   {"routes", std::move(routes)},
                   {"default_route", json::value_from(setup.default_route)},
                   {"lateness", std::move(lateness)},
                   {"lateness_default", LatenessJson(setup.lateness_default)},
                   {"busy_wait_minutes", setup.busy_wait_minutes},
                   {"auto_busy", setup.auto_busy}};
  return json_text::Serialize(out);
}

core::Result<KitchenSetup> ParseSetup(const json::value& body) {
  core::FieldErrors errors;
  KitchenSetup setup;
  auto o = Obj::Open(body, "", errors,
                     {"stations", "routes", "default_route", "lateness", "lateness_default", "busy_wait_minutes", "auto_busy"});
  if (!o) return core::Fail(errors.ToError());
  if (!o->Has("stations")) errors.Add("stations", "is required");
  o->Objects("stations", setup.stations,
             {"id", "name", "kind", "staff", "default_seconds", "times", "bake_seconds", "belt_width", "belt_length", "slots"},
             [](const Obj& s, Station& station) {
               s.Str("id", station.id, true);
               s.Str("name", station.name, true);
               std::string kind;
               if (s.Str("kind", kind, true)) {
                 if (auto k = ParseStationKind(kind)) {
                   station.kind = *k;
                 } else {
                   s.errors().Add(s.F("kind"), "must be line, conveyor, deck or pass");
                 }
               }
               s.Int("staff", station.staff);
               s.Int("default_seconds", station.default_seconds);
               s.Objects("times", station.times, {"product_id", "kind", "size_id", "seconds"}, [](const Obj& t, ItemTime& time) {
                 t.Str("product_id", time.product_id);
                 t.Str("kind", time.kind);
                 t.Str("size_id", time.size_id);
                 t.Int("seconds", time.seconds, true);
               });
               s.Int("bake_seconds", station.bake_seconds);
               s.Int("belt_width", station.belt_width);
               s.Int("belt_length", station.belt_length);
               s.Int("slots", station.slots);
             });
  o->Objects("routes", setup.routes, {"category_id", "kind", "stations"}, [](const Obj& r, RouteRule& rule) {
    r.Str("category_id", rule.category_id);
    r.Str("kind", rule.kind);
    r.Strings("stations", rule.stations, true);
  });
  o->Strings("default_route", setup.default_route, true);
  if (const json::value* l = o->Get("lateness", false)) {
    if (const json::object* by_type = l->if_object()) {
      for (const auto& [type, value] : *by_type) {
        const std::string path = "lateness." + std::string(type);
        if (type != "delivery" && type != "carryout" && type != "dine_in") {
          errors.Add(path, "must be delivery, carryout or dine_in");
          continue;
        }
        Lateness lateness;
        if (auto x = Obj::Open(value, path, errors, {"warning_seconds", "late_seconds"})) ReadLateness(*x, lateness);
        setup.lateness[std::string(type)] = lateness;
      }
    } else {
      errors.Add("lateness", "must be an object by order type");
    }
  }
  if (const json::value* l = o->Get("lateness_default", false)) {
    if (auto x = Obj::Open(*l, "lateness_default", errors, {"warning_seconds", "late_seconds"})) {
      ReadLateness(*x, setup.lateness_default);
    }
  }
  o->Int("busy_wait_minutes", setup.busy_wait_minutes);
  o->Bool("auto_busy", setup.auto_busy);
  if (!errors.empty()) return core::Fail(errors.ToError());
  if (auto valid = Validate(setup); !valid) return core::Fail(valid.error());
  return setup;
}

core::Result<KitchenSetup> ParseSetupText(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return core::Fail(core::Error::Internal("a stored kitchen setup is not JSON"));
  return ParseSetup(v);
}

std::string RecipeBookToJson(const RecipeBook& book) {
  json::array ingredients;
  for (const auto& i : book.ingredients) ingredients.push_back(json::object{{"id", i.id}, {"name", i.name}, {"unit", i.unit}});
  json::object out{{"ingredients", std::move(ingredients)},
                   {"products", RecipesJson(book.products)},
                   {"crusts", RecipesJson(book.crusts)},
                   {"toppings", RecipesJson(book.toppings)},
                   {"half_factor", book.half_factor},
                   {"light_factor", book.light_factor},
                   {"extra_factor", book.extra_factor}};
  return json_text::Serialize(out);
}

core::Result<RecipeBook> ParseRecipeBook(const json::value& body) {
  core::FieldErrors errors;
  RecipeBook book;
  auto o = Obj::Open(body, "", errors,
                     {"ingredients", "products", "crusts", "toppings", "half_factor", "light_factor", "extra_factor"});
  if (!o) return core::Fail(errors.ToError());
  if (!o->Has("ingredients")) errors.Add("ingredients", "is required");
  o->Objects("ingredients", book.ingredients, {"id", "name", "unit"}, [](const Obj& i, Ingredient& ingredient) {
    i.Str("id", ingredient.id, true);
    i.Str("name", ingredient.name, true);
    i.Str("unit", ingredient.unit, true);
  });
  const std::initializer_list<std::string_view> recipe_keys{"item_id", "size_id", "amounts"};
  o->Objects("products", book.products, recipe_keys, ReadAmounts);
  o->Objects("crusts", book.crusts, recipe_keys, ReadAmounts);
  o->Objects("toppings", book.toppings, recipe_keys, ReadAmounts);
  o->Number("half_factor", book.half_factor, false, 0, 1e9);
  o->Number("light_factor", book.light_factor, false, 0, 1e9);
  o->Number("extra_factor", book.extra_factor, false, 0, 1e9);
  if (!errors.empty()) return core::Fail(errors.ToError());
  if (auto valid = Validate(book); !valid) return core::Fail(valid.error());
  return book;
}

core::Result<RecipeBook> ParseRecipeBookText(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return core::Fail(core::Error::Internal("the stored recipe book is not JSON"));
  return ParseRecipeBook(v);
}

}  // namespace vetahut::kitchen
