#include "storage/types/civil_date.h"

#include "gtest/gtest.h"

namespace hedui {
namespace {

TEST(CivilDateTest, ParsesStrictDays) {
  EXPECT_EQ(*ParseCivilDay("2026-11-28"), absl::CivilDay(2026, 11, 28));
  EXPECT_EQ(*ParseCivilDay("2024-02-29"), absl::CivilDay(2024, 2, 29));
  for (const char* bad :
       {"", "2026-11-2", "2026/11/28", "2026-13-01", "2025-02-29",
        "2026-11-28 ", "20261128", "1899-12-31", "2026-00-10"}) {
    EXPECT_FALSE(ParseCivilDay(bad).ok()) << bad;
  }
}

TEST(CivilDateTest, ParsesStrictMonths) {
  EXPECT_EQ(*ParseCivilMonth("2026-01"), absl::CivilMonth(2026, 1));
  for (const char* bad : {"2026-1", "2026-13", "2026-00", "202601", ""}) {
    EXPECT_FALSE(ParseCivilMonth(bad).ok()) << bad;
  }
}

TEST(CivilDateTest, ProtoRoundTrip) {
  const absl::CivilDay day(2026, 2, 28);
  EXPECT_EQ(*FromProto(ToProto(day), "d"), day);
  hedui::v1::Date impossible;
  impossible.set_year(2026);
  impossible.set_month(2);
  impossible.set_day(30);
  const auto status = FromProto(impossible, "header.as_of").status();
  EXPECT_NE(status.message().find("header.as_of"), std::string::npos);
  EXPECT_FALSE(FromProto(hedui::v1::Date(), "unset").ok());
  EXPECT_EQ(FormatCivilDay(day), "2026-02-28");
  EXPECT_EQ(FormatCivilMonth(absl::CivilMonth(2026, 2)), "2026-02");
}

TEST(CivilDateTest, TodayIsChinas) {
  // 2026-11-27 16:30 UTC is already 2026-11-28 00:30 in Shanghai.
  const absl::Time t = absl::FromCivil(
      absl::CivilSecond(2026, 11, 27, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(TodayInChina(t), absl::CivilDay(2026, 11, 28));
}

}  // namespace
}  // namespace hedui
