#include "services/order/order_request.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <algorithm>

#include "lib/core/text_rules.hpp"
#include "lib/json/write.hpp"

namespace vetahut::order {
namespace json = boost::json;

core::Result<GuestContact> ParseGuestContact(const json::object& body) {
  GuestContact c;
  core::FieldErrors errors;
  const json::object* contact = body.if_contains("contact") ? body.at("contact").if_object() : nullptr;
  if (!contact) {
    errors.Add("contact", R"(is required for a guest: {"name", "email", "phone"})");
    return core::Fail(errors.ToError());
  }
  auto text = [&](std::string_view key) -> std::string {
    const json::value* v = contact->if_contains(key);
    if (!v || !v->is_string()) {
      errors.Add(fmt::format("contact.{}", key), "is required");
      return {};
    }
    return std::string(v->as_string());
  };
  const std::string name = text("name");
  const std::string email = text("email");
  const std::string phone = text("phone");
  if (errors.empty()) {
    c.name = core::CleanText("contact.name", name, {.max_chars = 100}, errors);
    c.email = core::NormalizeEmail("contact.email", email, errors);
    if (!core::IsE164Phone(phone)) {
      errors.Add("contact.phone", "must be an international number like +12125550100");
    } else {
      c.phone = phone;
    }
  }
  // A guest pays by card: an order nobody has paid for and nobody can be held to is a prank.
  const json::object* payment = body.if_contains("payment") ? body.at("payment").if_object() : nullptr;
  const json::value* method = payment ? payment->if_contains("method") : nullptr;
  if (method && method->is_string() && method->as_string() != "card") {
    errors.Add("payment.method", "a guest pays by card (sign in to pay at the store)");
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return c;
}

core::Result<OrderRequest> ParseOrderRequest(const json::object& obj, bool placement) {
  OrderRequest r;
  core::FieldErrors errors;
  const json::value* store_value = obj.if_contains("store_id");
  if (!store_value || !store_value->is_string() || store_value->as_string().empty()) {
    errors.Add("store_id", "is required");
  } else {
    r.store_id = std::string(store_value->as_string());
  }
  const json::value* type_value = obj.if_contains("type");
  std::optional<OrderType> type;
  if (type_value && type_value->is_string()) type = ParseType(type_value->as_string());
  if (!type) {
    errors.Add("type", "must be delivery, carryout or dine_in");
  } else {
    r.type = *type;
  }
  if (type == OrderType::kDelivery) {
    const json::object* address = obj.if_contains("address") ? obj.at("address").if_object() : nullptr;
    const json::value* lat = address ? address->if_contains("latitude") : nullptr;
    const json::value* lon = address ? address->if_contains("longitude") : nullptr;
    if (!lat || !lon || !lat->is_number() || !lon->is_number()) {
      errors.Add("address", "delivery needs address.latitude and address.longitude");
    } else {
      r.point = location::LatLon{lat->to_number<double>(), lon->to_number<double>()};
      if (r.point->latitude < -90 || r.point->latitude > 90 || r.point->longitude < -180 || r.point->longitude > 180) {
        errors.Add("address", "latitude must be within ±90 and longitude within ±180");
      }
      // The address's words as people wrote them, held to the text rules before they reach a
      // ticket, a driver or a receipt.
      json::object cleaned = *address;
      for (const char* key : {"line1", "line2", "city", "postal_code", "instructions"}) {
        const json::value* v = address->if_contains(key);
        if (!v || v->is_null()) continue;
        const std::string field = std::string("address.") + key;
        if (!v->is_string()) {
          errors.Add(field, "must be a text");
          continue;
        }
        const bool multiline = std::string_view(key) == "instructions";
        cleaned[key] = core::CleanText(field, v->as_string(), {.max_chars = multiline ? 300u : 200u, .multiline = multiline,
                                                               .required = false},
                                       errors);
      }
      r.address_json = json_text::Serialize(cleaned);
    }
  }
  if (const json::value* s = obj.if_contains("scheduled_for"); s && !s->is_null()) {
    std::optional<core::TimePoint> at;
    if (s->is_string()) at = core::ParseRfc3339(s->as_string());
    if (!at) {
      errors.Add("scheduled_for", "must be an RFC 3339 time (a slot start from the store's slots)");
    } else {
      r.scheduled_for = at;
    }
  }
  if (placement) {
    const json::object* payment = obj.if_contains("payment") ? obj.at("payment").if_object() : nullptr;
    if (!payment) {
      errors.Add("payment", R"(is required: {"method": "card", "token": "…"} or {"method": "pay_at_store"})");
    } else {
      const json::value* method = payment->if_contains("method");
      r.payment_method = method && method->is_string() ? std::string(method->as_string()) : "";
      if (r.payment_method == "card") {
        const json::value* token = payment->if_contains("token");
        if (!token || !token->is_string() || token->as_string().empty()) {
          errors.Add("payment.token", "is required for card payments (from POST /api/v1/payments/tokens)");
        } else {
          r.payment_token = std::string(token->as_string());
        }
        if (payment->if_contains("number") || payment->if_contains("card_number")) {
          errors.Add("payment", "never send a card number here; tokenize it with POST /api/v1/payments/tokens");
        }
      } else if (r.payment_method != "pay_at_store") {
        errors.Add("payment.method", "must be card or pay_at_store");
      }
      if (const json::value* t = payment->if_contains("tendered"); t && !t->is_null()) {
        const json::object* money = t->if_object();
        const json::value* amount = money ? money->if_contains("amount") : nullptr;
        const json::value* currency = money ? money->if_contains("currency") : nullptr;
        if (r.payment_method != "pay_at_store") {
          errors.Add("payment.tendered", "is cash handed over at the counter: only with pay_at_store");
        } else if (!amount || !amount->is_int64() || amount->as_int64() < 0 || !currency || !currency->is_string()) {
          errors.Add("payment.tendered", R"(must be {"amount": minor units ≥ 0, "currency": "USD"})");
        } else {
          r.cash_tendered = amount->as_int64();
          r.tendered_currency = std::string(currency->as_string());
        }
      }
    }
  }
  if (placement) {
    if (const json::value* c = obj.if_contains("customer"); c && !c->is_null()) {
      const json::object* customer = c->if_object();
      // {"id": null, "name": null} (or {}) names nobody: as if it were not sent.
      r.for_customer = !customer || std::any_of(customer->begin(), customer->end(),
                                                [](const auto& member) { return !member.value().is_null(); });
      if (!customer) {
        errors.Add("customer", R"(must be {"id"?: a customer account id, "name"?: the name on the ticket})");
      } else {
        if (const json::value* id = customer->if_contains("id"); id && !id->is_null()) {
          if (!id->is_string() || id->as_string().empty() || id->as_string().size() > 64) {
            errors.Add("customer.id", "must be a customer account id (from the phone lookup)");
          } else {
            r.customer_id = std::string(id->as_string());
          }
        }
        if (const json::value* n = customer->if_contains("name"); n && !n->is_null()) {
          if (!n->is_string()) {
            errors.Add("customer.name", "must be a text of at most 100 characters");
          } else {
            r.customer_name = core::CleanText("customer.name", n->as_string(), {.max_chars = 100, .required = false}, errors);
          }
        }
      }
    }
  }
  if (const json::value* reward = obj.if_contains("reward_id"); reward && !reward->is_null()) r.wants_reward = true;
  // Notes per line, in the pricing's order: items, then deals.
  for (const char* list : {"items", "deals"}) {
    const json::value* lines = obj.if_contains(list);
    if (!lines || !lines->is_array()) continue;
    const auto& array = lines->as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      std::string note;
      if (const json::object* line = array[i].if_object()) {
        if (const json::value* n = line->if_contains("notes"); n && !n->is_null()) {
          const std::string field = std::string(list) + "[" + std::to_string(i) + "].notes";
          if (!n->is_string()) {
            errors.Add(field, "must be a text of at most 200 characters");
          } else {
            note = core::CleanText(field, n->as_string(), {.max_chars = 200, .multiline = true, .required = false}, errors);
          }
        }
      }
      r.notes.push_back(std::move(note));
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return r;
}

}  // namespace vetahut::order
