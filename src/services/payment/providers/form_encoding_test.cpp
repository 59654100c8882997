#include "services/payment/providers/form_encoding.hpp"

#include <gtest/gtest.h>

namespace vetahut::payment {
namespace {

TEST(FormEncoding, NestedKeysAndSpecialCharactersArePercentEncoded) {
  EXPECT_EQ(FormEncode({{"card[number]", "4242"}, {"metadata[order_id]", "a&b=c d+e/é%"}}),
            "card%5Bnumber%5D=4242&metadata%5Border_id%5D=a%26b%3Dc+d%2Be%2F%C3%A9%25");
  EXPECT_EQ(FormEscape("AZaz09*-._~"), "AZaz09*-._%7E");
  EXPECT_EQ(FormEncode({}), "");
  EXPECT_EQ(FormEncode({{"empty", ""}}), "empty=");
}

TEST(FormEncoding, DecodeInvertsEncode) {
  const FormFields fields{{"metadata[order_id]", "ord 1&2=3+4/é%\n"}, {"amount", "1999"}, {"k", ""}};
  EXPECT_EQ(FormDecode(FormEncode(fields)), fields);
  EXPECT_EQ(FormDecode("a=1&&b&c=x+y"), (FormFields{{"a", "1"}, {"b", ""}, {"c", "x y"}}));
}

}  // namespace
}  // namespace vetahut::payment
