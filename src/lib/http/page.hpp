#pragma once
/// The one parser of list parameters every list route uses: `?limit=` and `?cursor=`.
#include <string>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// Where a page of a list starts and how long it is.
struct PageRequest {
  int limit = 0;
  std::string cursor;  ///< "" = the first page; else the last id of the page before
};

/// `?limit=` an integer from 1 to `max_limit` (absent or empty: `default_limit`) and `?cursor=` an
/// id from an earlier page (letters, digits, '_' and '-', at most 128). Anything else is a 422
/// naming the parameter.
core::Result<PageRequest> ParsePage(const Request& request, int default_limit, int max_limit);

/// `{"items": [...], "next_cursor": id or null}` around already-serialized items; the cursor only
/// when the page is full (`count == limit`).
std::string PageJson(const std::string& items_json, std::size_t count, int limit, const std::string& last_id);

}  // namespace vetahut::http
