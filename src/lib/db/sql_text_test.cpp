#include "lib/db/sql_text.hpp"

#include <gtest/gtest.h>

namespace vetahut::db::detail {
namespace {

TEST(RewriteDollarPlaceholders, RewritesPlaceholdersOutsideQuotesAndComments) {
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT a FROM t WHERE b = $1 AND c = $12"),
            "SELECT a FROM t WHERE b = ?1 AND c = ?12");
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT '$1', 'it''s $2', \"col$3\", $4"),
            "SELECT '$1', 'it''s $2', \"col$3\", ?4");
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT $1 -- $2\n, $3 /* $4 */ , $5"),
            "SELECT ?1 -- $2\n, ?3 /* $4 */ , ?5");
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT $ , $a, 5$"), "SELECT $ , $a, 5$");
}

TEST(RewriteDollarPlaceholders, UnterminatedQuoteOrCommentIsCopiedVerbatim) {
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT '$1"), "SELECT '$1");
  EXPECT_EQ(RewriteDollarPlaceholders("SELECT $1 /* $2"), "SELECT ?1 /* $2");
}

TEST(IsBlankSql, OnlyWhitespaceCommentsAndSemicolonsAreBlank) {
  EXPECT_TRUE(IsBlankSql(""));
  EXPECT_TRUE(IsBlankSql(" ;\n -- done\n /* x */ ;"));
  EXPECT_FALSE(IsBlankSql("; SELECT 1"));
  EXPECT_FALSE(IsBlankSql("-- c\nINSERT"));
}

}  // namespace
}  // namespace vetahut::db::detail
