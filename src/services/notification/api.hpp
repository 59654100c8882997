#pragma once
/// HTTP routes of the notification service: a person's in-app list, its stream and their
/// preferences; the admins' delivery log and re-drive. Documented in docs/guide.md.
#include "lib/http/router.hpp"
#include "services/notification/notification_service.hpp"

namespace vetahut::notification {

void RegisterRoutes(http::Router& router, NotificationService& service);

}  // namespace vetahut::notification
