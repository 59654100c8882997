#include "lib/core/text_rules.hpp"

#include <gtest/gtest.h>

namespace vetahut::core {
namespace {

TEST(Text, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(IsValidUtf8("Pizzería Dönerstraße 🍕"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xe2\x82"));       // cut short
}

TEST(Text, ControlCharactersAreRefusedTabsAndNewlinesOnlyInMultilineFields) {
  FieldErrors errors;
  EXPECT_EQ(CleanText("name", std::string("Ann\0e", 5), {}, errors), "");
  EXPECT_EQ(CleanText("name", "Ann\x1b[31m", {}, errors), "");
  EXPECT_EQ(CleanText("name", "Ann\xc2\x85", {}, errors), "");  // U+0085, a C1 control
  EXPECT_EQ(CleanText("name", "Ann\tMarie", {}, errors), "");
  ASSERT_EQ(errors.list().size(), 4u);
  EXPECT_EQ(errors.list()[0].message, "must not contain control characters (U+0000)");
  EXPECT_EQ(errors.list()[3].message, "must be a single line (no tabs or line breaks)");
  FieldErrors ok;
  EXPECT_EQ(CleanText("notes", "  well done\n\tno onions  ", {.max_chars = 200, .multiline = true}, ok),
            "well done\n\tno onions");
  EXPECT_TRUE(ok.empty());
}

TEST(Text, TrimmedRequiredAndBoundedInCharactersNotBytes) {
  FieldErrors errors;
  EXPECT_EQ(CleanText("name", "  Zoë  ", {.max_chars = 3}, errors), "Zoë");
  EXPECT_EQ(CleanText("name", "   ", {}, errors), "");
  EXPECT_EQ(CleanText("name", "Zoëy", {.max_chars = 3}, errors), "");
  EXPECT_EQ(CleanText("note", "", {.required = false}, errors), "");
  ASSERT_EQ(errors.list().size(), 2u);
  EXPECT_EQ(errors.list()[0].message, "is required");
  EXPECT_EQ(errors.list()[1].message, "must be at most 3 characters");
}

TEST(Text, EmailsAreNormalizedSoOneMailboxIsOneAccount) {
  FieldErrors errors;
  EXPECT_EQ(NormalizeEmail("email", "  Customer@Demo.VetaHut.TEST ", errors), "customer@demo.vetahut.test");
  EXPECT_TRUE(errors.empty());
  for (const std::string& bad : {std::string("customer@demo.vetahut.test\0", 27), std::string("a b@example.com"),
                                std::string("ann@exämple.com"), std::string("@example.com"), std::string("ann@example"),
                                std::string("ann@@example.com"), std::string("ann@example..com"), std::string("")}) {
    FieldErrors e;
    EXPECT_EQ(NormalizeEmail("email", bad, e), "") << bad;
    EXPECT_EQ(e.list().size(), 1u) << bad;
  }
}

}  // namespace
}  // namespace vetahut::core
