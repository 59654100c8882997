#pragma once
/// Events the integration module makes itself. They go to partners only (webhook deliveries, the
/// event log), never on the platform's bus, so they have no typed codec: their `data` is built
/// where they are made (integration_service.cpp, journal_service.cpp).
#include <string_view>

namespace vetahut::integration::events {

inline constexpr std::string_view kSource = "/vetahut/integration";

/// `POST /api/v1/admin/webhooks/{id}/test`: data {subscription_id, message, requested_by}; sent to
/// that one subscription whatever its event types, never replayed.
inline constexpr std::string_view kTestType = "com.vetahut.integration.test";

/// A store's sales journal for a business day was made or changed: data {store_id,
/// business_date, revision, closed, currency, totals, files: {json: {path, sha256}, csv: {…}},
/// journal} where `journal` is the JSON journal itself, or null when it is larger than
/// integration.max_payload_bytes (then fetch it from `files.json.path` with an admin token).
inline constexpr std::string_view kSalesJournalType = "com.vetahut.integration.sales_journal";

}  // namespace vetahut::integration::events
