// Expected values come from domain.md §4 (its worked examples), not from
// the code under test.
#include "gtest/gtest.h"
#include "server/engine/arithmetic/exact_amount.h"
#include "server/engine/arithmetic/look_back_window.h"

namespace hedui::engine {
namespace {

TEST(ExactAmountTest, ShownFiguresRoundDownToHundredthsOfAFen) {
  // domain.md §4: 88,499.9958 -> 88,499.99; -5,000.041 -> -5,000.05.
  EXPECT_EQ(ExactAmount::Fraction(884999958, 10000).FormatFenFloor(),
            "88,499.99");
  EXPECT_EQ(ExactAmount::Fraction(-5000041, 1000).FormatFenFloor(),
            "-5,000.05");
  EXPECT_EQ(ExactAmount::Fen(88500).FormatFenFloor(), "88,500.00");
  EXPECT_EQ(ExactAmount::Fen(0).FormatFenFloor(), "0.00");
  EXPECT_EQ(ExactAmount::Fen(-1).FormatFenFloor(), "-1.00");
  EXPECT_EQ(ExactAmount::Fraction(1, 3).FormatFenFloor(), "0.33");
  EXPECT_EQ(ExactAmount::Fraction(-1, 3).FormatFenFloor(), "-0.34");
  EXPECT_EQ(ExactAmount::Fen(1234567890).FormatFenFloor(), "1,234,567,890.00");
}

TEST(ExactAmountTest, MonthlyAverageComparesExactlyAtTheStandard) {
  const ExactAmount standard = ExactAmount::Fen(88500);
  // 12 months totalling exactly 12 x 88,500: equal is not below (strict).
  const ExactAmount at = ExactAmount::Fen(12 * 88500).DividedBy(12);
  EXPECT_FALSE(at < standard);
  EXPECT_TRUE(at == standard);
  // One fen less over the window: 88,499.9166... a month, below.
  const ExactAmount below = ExactAmount::Fen(12 * 88500 - 1).DividedBy(12);
  EXPECT_TRUE(below < standard);
  EXPECT_EQ(below.FormatFenFloor(), "88,499.91");
  // One fen more: above.
  EXPECT_TRUE(standard < ExactAmount::Fen(12 * 88500 + 1).DividedBy(12));
}

TEST(ExactAmountTest, EmploymentCostAndPerCapitaNeverRoundEarly) {
  // Wages of 2,360,001 fen over 12 months for a household of 2, less 10%:
  // 2,360,001 x 0.9 / 12 / 2 = 88,500.0375 fen: not below 88,500.
  const ExactAmount per_capita =
      ExactAmount::Fen(2360001).TimesPercent(90).DividedBy(12).DividedBy(2);
  EXPECT_FALSE(per_capita < ExactAmount::Fen(88500));
  EXPECT_EQ(per_capita.FormatFenFloor(), "88,500.03");
  // 2,360,000 gives exactly 88,500: still not below.
  EXPECT_TRUE(ExactAmount::Fen(2360000).TimesPercent(90).DividedBy(24) ==
              ExactAmount::Fen(88500));
  // 2,359,999: 88,499.9625, below.
  EXPECT_TRUE(ExactAmount::Fen(2359999).TimesPercent(90).DividedBy(24) <
              ExactAmount::Fen(88500));
  // Margin line 1.5 x standard, compared without rounding.
  EXPECT_TRUE(ExactAmount::Fen(132749) <
              ExactAmount::Fen(88500).TimesPercent(150));
  EXPECT_FALSE(ExactAmount::Fen(132750) <
               ExactAmount::Fen(88500).TimesPercent(150));
  EXPECT_TRUE(ExactAmount::Fen(3).Times(2) == ExactAmount::Fen(6));
}

TEST(LookBackWindowTest, FullMonthsBeforeTheVerificationMonth) {
  // domain.md §4: on 2026-11-01 or 2026-11-20, 12 months: 2025-11 ... 2026-10.
  for (const absl::CivilDay day :
       {absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 11, 20),
        absl::CivilDay(2026, 11, 30)}) {
    const LookBackWindow window = LookBackFrom(day, 12);
    EXPECT_EQ(window.first, absl::CivilMonth(2025, 11));
    EXPECT_EQ(window.last, absl::CivilMonth(2026, 10));
    EXPECT_TRUE(window.Contains(absl::CivilMonth(2025, 11)));   // first
    EXPECT_TRUE(window.Contains(absl::CivilMonth(2026, 10)));   // last
    EXPECT_FALSE(window.Contains(absl::CivilMonth(2025, 10)));  // just before
    EXPECT_FALSE(window.Contains(absl::CivilMonth(2026, 11)));  // current
  }
  const LookBackWindow january = LookBackFrom(absl::CivilDay(2027, 1, 5), 12);
  EXPECT_EQ(january.first, absl::CivilMonth(2026, 1));
  EXPECT_EQ(january.last, absl::CivilMonth(2026, 12));
  const LookBackWindow one = LookBackFrom(absl::CivilDay(2026, 3, 31), 1);
  EXPECT_EQ(one.first, absl::CivilMonth(2026, 2));
  EXPECT_EQ(one.last, absl::CivilMonth(2026, 2));
}

TEST(LookBackWindowTest, DataAsOfAMonthsLastDayCoversThatMonth) {
  // domain.md §10.1: "Data as of a month's last day covers that month."
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2026, 10, 31)),
            absl::CivilMonth(2026, 10));
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2026, 10, 30)),
            absl::CivilMonth(2026, 9));
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2026, 11, 1)),
            absl::CivilMonth(2026, 10));
  // February's last day, in a common and a leap year.
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2026, 2, 28)),
            absl::CivilMonth(2026, 2));
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2028, 2, 28)),
            absl::CivilMonth(2028, 1));
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2028, 2, 29)),
            absl::CivilMonth(2028, 2));
  // Across a year.
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2027, 1, 15)),
            absl::CivilMonth(2026, 12));
  EXPECT_EQ(LastFullMonthCovered(absl::CivilDay(2026, 12, 31)),
            absl::CivilMonth(2026, 12));
}

TEST(LookBackWindowTest, NMonthsEndingWithAMonth) {
  const LookBackWindow window =
      LookBackEndingWith(absl::CivilMonth(2026, 9), 12);
  EXPECT_EQ(window.first, absl::CivilMonth(2025, 10));
  EXPECT_EQ(window.last, absl::CivilMonth(2026, 9));
  EXPECT_EQ(window.months, 12);
  const LookBackWindow one = LookBackEndingWith(absl::CivilMonth(2026, 1), 1);
  EXPECT_EQ(one.first, absl::CivilMonth(2026, 1));
  EXPECT_EQ(one.last, absl::CivilMonth(2026, 1));
}

}  // namespace
}  // namespace hedui::engine
