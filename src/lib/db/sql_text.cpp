#include "lib/db/sql_text.hpp"

namespace vetahut::db::detail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Index just past the quoted run starting at `i` (quote doubled inside = escaped quote).
std::size_t SkipQuoted(std::string_view sql, std::size_t i) {
  const char quote = sql[i];
  for (++i; i < sql.size(); ++i) {
    if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;  // '' inside a literal
      } else {
        return i + 1;
      }
    }
  }
  return sql.size();
}

std::size_t SkipLineComment(std::string_view sql, std::size_t i) {
  auto end = sql.find('\n', i);
  return end == std::string_view::npos ? sql.size() : end + 1;
}

std::size_t SkipBlockComment(std::string_view sql, std::size_t i) {
  auto end = sql.find("*/", i + 2);
  return end == std::string_view::npos ? sql.size() : end + 2;
}

}  // namespace

std::string RewriteDollarPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    std::size_t next = i + 1;
    if (c == '\'' || c == '"') {
      next = SkipQuoted(sql, i);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      next = SkipLineComment(sql, i);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      next = SkipBlockComment(sql, i);
    } else if (c == '$' && i + 1 < sql.size() && IsDigit(sql[i + 1])) {
      out.push_back('?');
      ++i;
      continue;
    }
    out.append(sql.substr(i, next - i));
    i = next;
  }
  return out;
}

bool IsBlankSql(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ';') {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = SkipLineComment(sql, i);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      i = SkipBlockComment(sql, i);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace vetahut::db::detail
