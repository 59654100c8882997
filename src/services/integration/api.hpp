#pragma once
/// The integration module's routes: partner webhook subscriptions (admin) and the sales journal
/// exports (admin).
#include "lib/http/router.hpp"
#include "services/integration/journal_service.hpp"
#include "services/integration/webhook_service.hpp"

namespace vetahut::integration {

void RegisterRoutes(http::Router& router, WebhookService& webhooks, JournalService& journals);

}  // namespace vetahut::integration
