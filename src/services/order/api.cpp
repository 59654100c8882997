#include "services/order/api.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "lib/auth/caller.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/auth/policy.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/http/sse.hpp"

namespace vetahut::order {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

core::Result<json::object> ObjectBody(const Request& req, std::size_t max_bytes = 64 * 1024) {
  return http::ParseJsonObject(req, {.max_bytes = max_bytes, .max_depth = 16});
}

const auth::Caller& CallerOrThrow(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(core::Error::Unauthenticated("authentication required"));
  return *caller;
}

bool IsCustomer(const auth::Caller& c) { return c.principal.kind == auth::PrincipalKind::kCustomer; }

/// The owner sees their order; so does the kiosk or POS that placed it; the store's staff and
/// devices see the store's orders (403 for another store); any other customer gets 404, as if it
/// did not exist.
core::Result<Order> Visible(OrderService& orders, const Request& req) {
  const auth::Caller& caller = CallerOrThrow(req);
  auto order = orders.Get(std::string(req.PathParam("order_id")));
  if (!order) return order;
  if (IsCustomer(caller)) {
    if (order->customer_id != caller.principal.subject) {
      return core::Fail(core::Error::NotFound(fmt::format("order '{}' does not exist", order->id)));
    }
    return order;
  }
  if (order->placed_by == caller.principal.subject) return order;
  if (auto allowed = auth::Authorize(&caller.principal, "orders:manage", order->store_id); !allowed) {
    return core::Fail(allowed.error());
  }
  return order;
}

json::object OrderObject(const Order& order, OrderService& orders) {
  json::object out = OrderService::ToJson(order);
  if (!order.contact_email.empty()) {
    out["contact"] = json::object{{"name", order.customer_name}, {"email", order.contact_email}, {"phone", order.contact_phone}};
  }
  json::object pay{{"method", order.payment_method}};
  if (auto view = orders.Payment(order.id)) {
    pay["status"] = view->status;
    if (!view->brand.empty()) pay["brand"] = view->brand;
    if (!view->last4.empty()) pay["last4"] = view->last4;
    if (!view->decline_code.empty()) pay["decline_code"] = view->decline_code;
    const auto& currency = view->currency;
    pay["authorized"] = json::object{{"amount", view->authorized}, {"currency", currency}};
    pay["captured"] = json::object{{"amount", view->captured}, {"currency", currency}};
    pay["refunded"] = json::object{{"amount", view->refunded}, {"currency", currency}};
  } else {
    pay["status"] = "none";
  }
  if (order.cash_tendered > 0) {
    // Cash at the counter (decision 0033): what was handed over and the change given back.
    pay["tendered"] = json::object{{"amount", order.cash_tendered}, {"currency", order.currency}};
    pay["change"] = json::object{{"amount", order.cash_tendered - order.total}, {"currency", order.currency}};
  }
  out["payment"] = std::move(pay);
  out["channel"] = order.channel;
  if (order.channel == "pos") out["cashier_id"] = order.placed_by;
  if (!order.cashier_name.empty()) out["cashier_name"] = order.cashier_name;
  if (!order.customer_name.empty()) out["customer_name"] = order.customer_name;
  json::array refunds;
  for (const auto& r : orders.Refunds(order.id)) {
    refunds.push_back(json::object{{"id", r.id},
                                   {"amount", json::object{{"amount", r.amount}, {"currency", order.currency}}},
                                   {"reason", r.reason},
                                   {"lines", json::parse(r.lines)},
                                   {"refunded_by", r.refunded_by},
                                   {"at", r.created_at}});
  }
  out["refunds"] = std::move(refunds);
  return out;
}

std::string OrderJson(const Order& order, OrderService& orders) { return json_text::Serialize(OrderObject(order, orders)); }

/// What the placer of an order gets back, once: the order and its tracking link (decision 0028).
Response PlacementResponse(const Placement& placed, OrderService& orders) {
  json::object out = OrderObject(placed.order, orders);
  if (placed.order.tracking_key) {
    out["tracking_key"] = *placed.order.tracking_key;
    out["tracking_url"] = "/track/" + *placed.order.tracking_key;
  }
  auto r = Response::Json(json_text::Serialize(out), placed.replayed ? 200 : 201);
  r.SetHeader("Location", "/api/v1/orders/" + placed.order.id);
  if (placed.replayed) r.SetHeader("Idempotent-Replayed", "true");
  // The tracking key is a secret of whoever placed the order.
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

/// What a tracking link shows: the order's progress and what was ordered — not who ordered it,
/// where it goes, or how it was paid beyond the card's brand and last digits.
std::string TrackingJson(const Order& order, OrderService& orders) {
  json::object out = OrderObject(order, orders);
  out.erase("customer_id");
  out.erase("contact");
  out.erase("cashier_id");
  out.erase("cashier_name");
  out.erase("refunds");
  out.erase("address");
  if (json::object* pay = out["payment"].if_object()) {
    pay->erase("authorized");
    pay->erase("captured");
    pay->erase("refunded");
  }
  return json_text::Serialize(out);
}

/// Last-Event-ID of a reconnecting tracker (0 without one).
core::Result<std::int64_t> LastEventId(const Request& req) {
  std::int64_t last = 0;
  if (auto header = req.Header("last-event-id"); header && !header->empty()) {
    auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), last);
    if (ec != std::errc() || end != header->data() + header->size() || last < 0) {
      return core::Fail(core::Error::BadRequest("Last-Event-ID must be an event id from this stream (a number)"));
    }
  }
  return last;
}

/// {"orders": [...], "next_cursor": id} — the cursor only when the page is full.
std::string Page(const std::vector<Order>& list, int limit) {
  json::array items;
  for (const auto& o : list) items.push_back(OrderService::ToJson(o));
  json::object out{{"orders", std::move(items)}};
  if (static_cast<int>(list.size()) == limit) out["next_cursor"] = list.back().id;
  return json_text::Serialize(out);
}

/// A refund's body: `amount` {amount, currency}, or `lines` [{index, quantity}]; `reason` (≤ 200
/// characters). Every problem at once, naming its field.
core::Result<RefundRequest> ParseRefund(const json::object& body) {
  RefundRequest r;
  core::FieldErrors errors;
  const json::value* amount_value = body.if_contains("amount");
  const json::value* lines_value = body.if_contains("lines");
  if (amount_value && !amount_value->is_null() && lines_value && !lines_value->is_null()) {
    errors.Add("lines", "give either an amount or lines, not both");
  } else if (lines_value && !lines_value->is_null()) {
    const json::array* lines = lines_value->if_array();
    if (!lines || lines->empty() || lines->size() > 100) {
      errors.Add("lines", R"(must be a list of 1 to 100 {"index": line, "quantity": units})");
    } else {
      for (std::size_t i = 0; i < lines->size(); ++i) {
        const json::object* line = (*lines)[i].if_object();
        const json::value* index = line ? line->if_contains("index") : nullptr;
        const json::value* quantity = line ? line->if_contains("quantity") : nullptr;
        if (!index || !index->is_int64() || !quantity || !quantity->is_int64()) {
          errors.Add(fmt::format("lines[{}]", i), R"(must be {"index": a line's index, "quantity": units to refund})");
          continue;
        }
        r.lines.push_back({index->as_int64(), quantity->as_int64()});
      }
    }
  } else {
    const json::object* amount = amount_value ? amount_value->if_object() : nullptr;
    const json::value* value = amount ? amount->if_contains("amount") : nullptr;
    const json::value* currency = amount ? amount->if_contains("currency") : nullptr;
    if (!value || !value->is_int64() || !currency || !currency->is_string()) {
      errors.Add("amount", R"(is required unless lines are given: {"amount": minor units, "currency": "USD"})");
    } else if (auto code = core::Currency::Parse(currency->as_string(), "amount.currency"); !code) {
      return core::Fail(code.error());
    } else {
      r.amount = core::Money(value->as_int64(), *code);
    }
  }
  if (const json::value* reason = body.if_contains("reason"); reason && !reason->is_null()) {
    if (!reason->is_string()) {
      errors.Add("reason", "must be a text of at most 200 characters");
    } else {
      r.reason = core::CleanText("reason", reason->as_string(), {.max_chars = 200, .required = false}, errors);
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return r;
}

menu::SalesChannel ChannelOf(const auth::Caller* caller) {
  if (!caller || caller->principal.kind == auth::PrincipalKind::kCustomer) return menu::SalesChannel::kWeb;
  for (const auto& role : caller->principal.roles) {
    if (role == auth::kRoleKiosk) return menu::SalesChannel::kKiosk;
  }
  return menu::SalesChannel::kPos;
}

}  // namespace

void RegisterRoutes(http::Router& router, OrderService& orders) {
  router.Post("/api/v1/quotes", [&orders](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    const auth::Caller* caller = auth::CallerOf(req);
    Caller who{caller ? caller->principal.subject : "", caller && IsCustomer(*caller), ChannelOf(caller)};
    auto quote = orders.Quote(who, json::value(std::move(*body)));
    if (!quote) return core::Fail(quote.error());
    return Response::Json(std::move(*quote));
  }, {.permission = "public"});

  router.Post("/api/v1/orders", [&orders](Request& req) -> Reply {
    const auth::Caller& caller = CallerOrThrow(req);
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    // Staff and devices take orders for their own stores only.
    if (!IsCustomer(caller)) {
      const json::value* store = body->if_contains("store_id");
      const std::string store_id = store && store->is_string() ? std::string(store->as_string()) : "";
      if (auto allowed = auth::Authorize(&caller.principal, "orders:take", store_id); !allowed && !store_id.empty()) {
        return core::Fail(allowed.error());
      }
    }
    Caller who{caller.principal.subject, IsCustomer(caller), ChannelOf(&caller)};
    auto placed = orders.Place(who, json::value(std::move(*body)), std::string(req.Header("idempotency-key").value_or("")));
    if (!placed) return core::Fail(placed.error());
    return PlacementResponse(*placed, orders);
  }, {.permission = "orders:place"});

  // Guest checkout (decision 0028): no account; a contact, a card token from the guest tokenize
  // route, the same Idempotency-Key rules and order limits; followed through its tracking link.
  router.Post("/api/v1/guest/orders", [&orders](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Caller who{std::string(kGuestSubject), false, menu::SalesChannel::kWeb, true};
    auto placed = orders.Place(who, json::value(std::move(*body)), std::string(req.Header("idempotency-key").value_or("")));
    if (!placed) return core::Fail(placed.error());
    return PlacementResponse(*placed, orders);
  }, {.permission = "public"});

  router.Get("/api/v1/tracking/{tracking_key}", [&orders](Request& req) -> Reply {
    auto order = orders.GetByTrackingKey(std::string(req.PathParam("tracking_key")));
    if (!order) return core::Fail(order.error());
    auto r = Response::Json(TrackingJson(*order, orders));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "public"});

  router.Get("/api/v1/tracking/{tracking_key}/events", [&orders](Request& req) -> Reply {
    auto order = orders.GetByTrackingKey(std::string(req.PathParam("tracking_key")));
    if (!order) return core::Fail(order.error());
    auto last = LastEventId(req);
    if (!last) return core::Fail(last.error());
    Response r;
    r.stream = http::EventStream::Create(256);
    orders.Track(order->id, r.stream, *last);
    return r;
  }, {.permission = "public"});

  router.Get("/api/v1/orders/{order_id}", [&orders](Request& req) -> Reply {
    auto order = Visible(orders, req);
    if (!order) return core::Fail(order.error());
    return Response::Json(OrderJson(*order, orders));
  }, {.permission = "orders:read"});

  router.Get("/api/v1/orders/{order_id}/events", [&orders](Request& req) -> Reply {
    auto order = Visible(orders, req);
    if (!order) return core::Fail(order.error());
    auto last = LastEventId(req);
    if (!last) return core::Fail(last.error());
    Response r;
    r.stream = http::EventStream::Create(256);
    orders.Track(order->id, r.stream, *last);
    return r;
  }, {.permission = "orders:read"});

  router.Post("/api/v1/orders/{order_id}/cancel", [&orders](Request& req) -> Reply {
    auto order = Visible(orders, req);
    if (!order) return core::Fail(order.error());
    std::string reason = "cancelled";
    if (!req.body.empty()) {
      auto body = ObjectBody(req, 4096);
      if (!body) return core::Fail(body.error());
      if (const json::value* r = body->if_contains("reason"); r && !r->is_null()) {
        if (!r->is_string()) return core::Fail(core::Error::Validation({{"reason", "must be a text of at most 200 characters"}}));
        core::FieldErrors errors;
        reason = core::CleanText("reason", r->as_string(), {.max_chars = 200}, errors);
        if (!errors.empty()) return core::Fail(errors.ToError());
      }
    }
    const Actor actor = IsCustomer(CallerOrThrow(req)) ? Actor::kCustomer : Actor::kStaff;
    auto moved = orders.Transition(order->id, OrderStatus::kCancelled, actor, reason);
    if (!moved) return core::Fail(moved.error());
    return Response::Json(OrderJson(*moved, orders));
  }, {.permission = "orders:cancel"});

  router.Post("/api/v1/orders/{order_id}/status", [&orders](Request& req) -> Reply {
    auto order = Visible(orders, req);
    if (!order) return core::Fail(order.error());
    auto body = ObjectBody(req, 4096);
    if (!body) return core::Fail(body.error());
    const json::value* s = body->if_contains("status");
    std::optional<OrderStatus> to;
    if (s && s->is_string()) to = ParseStatus(s->as_string());
    if (!to || *to == OrderStatus::kCancelled || *to == OrderStatus::kRefunded) {
      return core::Fail(core::Error::Validation(
          {{"status", "must be preparing, baking, ready, out_for_delivery, delivered, picked_up or served "
                      "(cancel and refund have their own routes)"}}));
    }
    auto moved = orders.Transition(order->id, *to, Actor::kStaff, "");
    if (!moved) return core::Fail(moved.error());
    return Response::Json(OrderJson(*moved, orders));
  }, {.permission = "orders:status"});

  router.Post("/api/v1/orders/{order_id}/refunds", [&orders](Request& req) -> Reply {
    auto order = Visible(orders, req);
    if (!order) return core::Fail(order.error());
    const std::string key(req.Header("idempotency-key").value_or(""));
    if (key.empty() || key.size() > 255) {
      return core::Fail(core::Error::BadRequest("the Idempotency-Key header is required (at most 255 characters)"));
    }
    auto body = ObjectBody(req, 16 * 1024);
    if (!body) return core::Fail(body.error());
    auto request = ParseRefund(*body);
    if (!request) return core::Fail(request.error());
    request->refunded_by = CallerOrThrow(req).principal.subject;
    auto refunded = orders.Refund(order->id, *request, key);
    if (!refunded) return core::Fail(refunded.error());
    return Response::Json(OrderJson(*refunded, orders), 201);
  }, {.permission = "orders:refund"});

  router.Get("/api/v1/stores/{store_id}/orders", [&orders](Request& req) -> Reply {
    std::optional<OrderStatus> status;
    if (auto s = req.Query("status"); s && !s->empty()) {
      status = ParseStatus(*s);
      if (!status) return core::Fail(core::Error::Validation({{"status", "is not an order status"}}));
    }
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return core::Fail(page.error());
    auto list = orders.ListForStore(std::string(req.PathParam("store_id")), status, page->limit, page->cursor);
    if (!list) return core::Fail(list.error());
    return Response::Json(Page(*list, page->limit));
  }, {.permission = "orders:manage"});

  router.Get("/api/v1/me/orders", [&orders](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return core::Fail(page.error());
    auto list = orders.ListForCustomer(CallerOrThrow(req).principal.subject, page->limit, page->cursor);
    return Response::Json(Page(list, page->limit));
  }, {.permission = "me:read"});
}

}  // namespace vetahut::order
