#pragma once
/// HTTP routes of the analytics service: the reports (sales, kitchen, late tickets, delivery,
/// refunds; JSON or `?format=csv`) for managers of their stores and admins of all, and the
/// admin's rebuild and lake export.
#include "lib/http/router.hpp"
#include "services/analytics/fact_folder.hpp"
#include "services/analytics/lake.hpp"
#include "services/analytics/reports.hpp"

namespace vetahut::analytics {

void RegisterRoutes(http::Router& router, FactFolder& facts, ReportService& reports, LakeExporter& lake);

}  // namespace vetahut::analytics
