#include "client/flags.h"

#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/text_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/types/civil_date.h"

namespace hedui::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(FlagsTest, ProgramsAndVerdictsByNameAnyCase) {
  EXPECT_EQ(*ParseProgramFlag("--program", "low_income_margin"),
            hedui::v1::LOW_INCOME_MARGIN);
  EXPECT_EQ(*ParseVerdictFlag("--verdict", "Needs_Review"),
            hedui::v1::NEEDS_REVIEW);
  for (const char* bad : {"", "PROGRAM_UNSPECIFIED", "1", "dibao "}) {
    const absl::Status s = ParseProgramFlag("--program", bad).status();
    EXPECT_THAT(std::string(s.message()), StartsWith("--program: unknown"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("UNION_HARDSHIP"));
  }
  EXPECT_FALSE(ParseVerdictFlag("--verdict", "VERDICT_UNSPECIFIED").ok());
}

TEST(FlagsTest, Dates) {
  EXPECT_EQ(ParseDateFlag("--date", "2028-02-29")->day(), 29);
  EXPECT_THAT(
      std::string(ParseDateFlag("--date", "2026-02-29").status().message()),
      StartsWith("--date \"2026-02-29\": not a calendar date"));
  EXPECT_FALSE(ParseDateFlag("--date", "20261103").ok());
}

TEST(FlagsTest, TimesAreChinas) {
  const absl::TimeZone china = ChinaTimeZone();
  const auto micros = [&](absl::CivilSecond s) {
    return absl::ToUnixMicros(absl::FromCivil(s, china));
  };
  EXPECT_EQ(*ParseTimeFlag("--from", "2026-11-03", false),
            micros(absl::CivilSecond(2026, 11, 3, 0, 0, 0)));
  EXPECT_EQ(*ParseTimeFlag("--to", "2026-11-03", true),
            micros(absl::CivilSecond(2026, 11, 4, 0, 0, 0)));
  EXPECT_EQ(*ParseTimeFlag("--from", "2026-11-03 09:30:15", false),
            micros(absl::CivilSecond(2026, 11, 3, 9, 30, 15)));
  EXPECT_EQ(*ParseTimeFlag("--from", "2026-11-03T01:30:00Z", false),
            micros(absl::CivilSecond(2026, 11, 3, 9, 30, 0)));
  EXPECT_FALSE(ParseTimeFlag("--from", "2026-11-03 25:00", false).ok());
}

TEST(FlagsTest, PersonAndRegion) {
  EXPECT_TRUE(ValidatePersonFlag("--person", "11010519491231002X").ok());
  const absl::Status bad = ValidatePersonFlag("--person", "110105194912310021");
  EXPECT_THAT(std::string(bad.message()), StartsWith("--person: "));
  EXPECT_THAT(std::string(bad.message()),
              ::testing::Not(HasSubstr("110105194912310021")));
  EXPECT_TRUE(ValidateRegionFlag("--region", "320581").ok());
  EXPECT_FALSE(ValidateRegionFlag("--region", "32058a").ok());
}

TEST(FlagsTest, NamesOfValuesNewerThanTheBuild) {
  EXPECT_EQ(ProgramName(static_cast<hedui::v1::Program>(42)), "PROGRAM_42");
}

TEST(TextTableTest, ChineseCellsLineUp) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("不符合"), 6u);
  EXPECT_EQ(DisplayWidth("人·月"), 5u);
  std::ostringstream out;
  WriteTable({{"A"}, {"B", true}}, {{"符合", "1"}, {"x", "22"}}, out);
  EXPECT_EQ(out.str(),
            "A      B\n"
            "符合   1\n"
            "x     22\n");
}

TEST(TextTableTest, SafeTextMasksIdsAndControls) {
  EXPECT_EQ(SafeText("ID 11010519491231002X\x1b[2J ok"),
            "ID 1101**********002X?[2J ok");
}

}  // namespace
}  // namespace hedui::cli
