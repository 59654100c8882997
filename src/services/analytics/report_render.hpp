#pragma once
/// The reports as clients read them: JSON (money as {"amount", "currency"} in minor units,
/// durations in seconds) and CSV (a header row, money as decimals beside a currency column, a
/// `total` row per currency).
#include <string>

#include "services/analytics/reports.hpp"

namespace vetahut::analytics {

std::string SalesJson(const SalesReport& report);
std::string SalesCsv(const SalesReport& report);
std::string KitchenJson(const KitchenReport& report);
std::string KitchenCsv(const KitchenReport& report);
std::string DeliveryJson(const DeliveryReport& report);
std::string DeliveryCsv(const DeliveryReport& report);
std::string LateTicketsJson(const Page<LateTicket>& page);
std::string LateTicketsCsv(const Page<LateTicket>& page);
std::string RefundsJson(const Page<Refund>& page);
std::string RefundsCsv(const Page<Refund>& page);

}  // namespace vetahut::analytics
