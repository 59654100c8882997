#pragma once
/// The sales journal as files (decision 0027): JSON with amounts in minor units, and CSV with one
/// row per sale, refund, tax category, payment method and the day's total, amounts as decimals
/// of the currency. The same journal always gives the same bytes.
#include <string>

#include "services/integration/domain/sales_journal.hpp"

namespace vetahut::integration {

/// The JSON document (compact, fixed key order, ending in a newline).
std::string JournalJson(const SalesJournal& journal);

/// The CSV document (RFC 4180: a header row, CRLF line ends, quoted where needed).
std::string JournalCsv(const SalesJournal& journal);

/// "12.34" for 1234 minor units of a currency with 2 decimals ("-0.05", "1500" for JPY).
std::string DecimalAmount(std::int64_t minor_units, int exponent);

/// A CSV field: as is, or in double quotes (inner quotes doubled) when it holds a comma, a quote,
/// CR or LF — or starts with = + - @ (a spreadsheet would run it as a formula), then prefixed with '.
std::string CsvField(std::string_view text);

}  // namespace vetahut::integration
