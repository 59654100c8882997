#pragma once
/// Private to lib/db: lexical helpers over SQL text.
#include <string>
#include <string_view>

namespace vetahut::db::detail {

/// Rewrites `$N` placeholders to SQLite's `?N`, leaving '…' string literals, "…" identifiers,
/// -- line comments and /* */ block comments untouched.
std::string RewriteDollarPlaceholders(std::string_view sql);

/// True if `sql` holds nothing but whitespace, comments and semicolons.
bool IsBlankSql(std::string_view sql);

}  // namespace vetahut::db::detail
