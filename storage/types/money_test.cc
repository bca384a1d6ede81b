#include "storage/types/money.h"

#include "gtest/gtest.h"

namespace hedui {
namespace {

TEST(MoneyTest, ParsesYuanExactly) {
  EXPECT_EQ(*ParseYuanToFen("0"), 0);
  EXPECT_EQ(*ParseYuanToFen("3500"), 350000);
  EXPECT_EQ(*ParseYuanToFen("3500.5"), 350050);
  EXPECT_EQ(*ParseYuanToFen("3500.05"), 350005);
  EXPECT_EQ(*ParseYuanToFen("0.01"), 1);
  EXPECT_EQ(*ParseYuanToFen("92233720368547758.07"), INT64_MAX);
}

TEST(MoneyTest, RejectsEverythingElse) {
  for (const char* bad : {"", "-1", "+1", "1.", ".5", "1.005", "1,000", "1e3",
                          "abc", " 1", "92233720368547758.08", "1..2"}) {
    EXPECT_FALSE(ParseYuanToFen(bad).ok()) << bad;
  }
}

TEST(MoneyTest, ScaledDecimalsForAreasAndShares) {
  EXPECT_EQ(*ParseScaledDecimal("0.3333", 4), 3333);
  EXPECT_EQ(*ParseScaledDecimal("1", 4), 10000);
  EXPECT_FALSE(ParseScaledDecimal("0.33333", 4).ok());
}

TEST(MoneyTest, FormatsFen) {
  EXPECT_EQ(FormatFenAsYuan(350050), "3500.50");
  EXPECT_EQ(FormatFenAsYuan(-5), "-0.05");
  EXPECT_EQ(FormatFenAsYuan(0), "0.00");
}

}  // namespace
}  // namespace hedui
