#include "lib/http/page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "lib/json/write.hpp"

namespace vetahut::http {

core::Result<PageRequest> ParsePage(const Request& request, int default_limit, int max_limit) {
  PageRequest page{default_limit, ""};
  core::FieldErrors errors;
  if (auto text = request.Query("limit"); text && !text->empty()) {
    int limit = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > max_limit) {
      errors.Add("limit", fmt::format("must be an integer from 1 to {}", max_limit));
    } else {
      page.limit = limit;
    }
  }
  if (auto cursor = request.Query("cursor"); cursor && !cursor->empty()) {
    const bool id = cursor->size() <= 128 && std::all_of(cursor->begin(), cursor->end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!id) {
      errors.Add("cursor", "must be the next_cursor of an earlier page");
    } else {
      page.cursor = *cursor;
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return page;
}

std::string PageJson(const std::string& items_json, std::size_t count, int limit, const std::string& last_id) {
  std::string out = "{\"items\":" + items_json + ",\"next_cursor\":";
  if (count == static_cast<std::size_t>(limit) && !last_id.empty()) {
    json_text::AppendString(out, last_id);
  } else {
    out += "null";
  }
  return out + "}";
}

}  // namespace vetahut::http
