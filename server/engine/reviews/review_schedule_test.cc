#include "server/engine/reviews/review_schedule.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/engine/testing/household_builder.h"

namespace hedui::engine {
namespace {

using absl::CivilDay;

// Dates fixed by hand: domain.md §10.1 "Reviews" (a grid from the approval
// date, month ends clamped without drifting) and §6 (death re-check 3 months
// after the re-verification that found it).
struct GridCase {
  CivilDay approval;
  int period;
  int k;
  CivilDay expected;
};

TEST(GridDateTest, ClampsMonthEndsWithoutDrifting) {
  const std::vector<GridCase> cases = {
      {CivilDay(2026, 11, 5), 12, 0, CivilDay(2026, 11, 5)},
      {CivilDay(2026, 11, 5), 12, 1, CivilDay(2027, 11, 5)},
      {CivilDay(2026, 11, 5), 6, 1, CivilDay(2027, 5, 5)},
      {CivilDay(2026, 11, 5), 6, 3, CivilDay(2028, 5, 5)},
      // 08-31 → 02-28 → 08-31, and 02-29 in a leap year.
      {CivilDay(2026, 8, 31), 6, 1, CivilDay(2027, 2, 28)},
      {CivilDay(2026, 8, 31), 6, 2, CivilDay(2027, 8, 31)},
      {CivilDay(2026, 8, 31), 6, 3, CivilDay(2028, 2, 29)},
      {CivilDay(2026, 8, 31), 6, 4, CivilDay(2028, 8, 31)},
      {CivilDay(2026, 8, 31), 12, 1, CivilDay(2027, 8, 31)},
      // A leap day approval: 02-28 in common years, back to 02-29 in leap.
      {CivilDay(2024, 2, 29), 12, 1, CivilDay(2025, 2, 28)},
      {CivilDay(2024, 2, 29), 12, 3, CivilDay(2027, 2, 28)},
      {CivilDay(2024, 2, 29), 12, 4, CivilDay(2028, 2, 29)},
      {CivilDay(2024, 2, 29), 6, 1, CivilDay(2024, 8, 29)},
      // 31 → 30 → 31.
      {CivilDay(2026, 3, 31), 6, 1, CivilDay(2026, 9, 30)},
      {CivilDay(2026, 3, 31), 6, 2, CivilDay(2027, 3, 31)},
      {CivilDay(2025, 12, 31), 6, 1, CivilDay(2026, 6, 30)},
      {CivilDay(2025, 12, 31), 6, 2, CivilDay(2026, 12, 31)},
      {CivilDay(2026, 5, 31), 6, 1, CivilDay(2026, 11, 30)},
      {CivilDay(2026, 1, 30), 6, 1, CivilDay(2026, 7, 30)},
      // Over a year end.
      {CivilDay(2026, 7, 15), 6, 1, CivilDay(2027, 1, 15)},
  };
  for (const GridCase& c : cases) {
    EXPECT_EQ(GridDate(c.approval, c.period, c.k), c.expected)
        << c.approval << " period " << c.period << " k " << c.k;
  }
}

struct NextCase {
  CivilDay approval;
  int period;
  CivilDay after;
  CivilDay expected;
};

TEST(NextReviewDateTest, FirstGridDateStrictlyAfter) {
  const std::vector<NextCase> cases = {
      // Enrolled on the approval day: one period later.
      {CivilDay(2026, 11, 5), 12, CivilDay(2026, 11, 5), CivilDay(2027, 11, 5)},
      {CivilDay(2026, 11, 5), 6, CivilDay(2026, 11, 5), CivilDay(2027, 5, 5)},
      // The day before a grid date, the day itself, the day after.
      {CivilDay(2026, 8, 31), 6, CivilDay(2027, 2, 27), CivilDay(2027, 2, 28)},
      {CivilDay(2026, 8, 31), 6, CivilDay(2027, 2, 28), CivilDay(2027, 8, 31)},
      {CivilDay(2026, 8, 31), 6, CivilDay(2027, 3, 1), CivilDay(2027, 8, 31)},
      {CivilDay(2026, 8, 31), 6, CivilDay(2028, 2, 28), CivilDay(2028, 2, 29)},
      {CivilDay(2026, 8, 31), 6, CivilDay(2028, 2, 29), CivilDay(2028, 8, 31)},
      // A moved-in household approved years ago: the grid of its original
      // approval (2023-08-31, every 6 months: ... 2026-08-31, 2027-02-28).
      {CivilDay(2023, 8, 31), 6, CivilDay(2026, 11, 5), CivilDay(2027, 2, 28)},
      {CivilDay(2020, 3, 15), 12, CivilDay(2026, 11, 5), CivilDay(2027, 3, 15)},
      {CivilDay(2020, 3, 15), 12, CivilDay(2026, 3, 14), CivilDay(2026, 3, 15)},
      {CivilDay(2020, 3, 15), 12, CivilDay(2026, 3, 15), CivilDay(2027, 3, 15)},
      {CivilDay(2020, 2, 29), 12, CivilDay(2023, 12, 1), CivilDay(2024, 2, 29)},
      {CivilDay(2020, 2, 29), 12, CivilDay(2024, 2, 29), CivilDay(2025, 2, 28)},
      // Before the approval: still k = 1, never the approval itself.
      {CivilDay(2026, 11, 5), 12, CivilDay(2026, 1, 1), CivilDay(2027, 11, 5)},
      // After a review ran on its day, the next of the grid.
      {CivilDay(2025, 12, 31), 6, CivilDay(2026, 6, 30),
       CivilDay(2026, 12, 31)},
  };
  for (const NextCase& c : cases) {
    EXPECT_EQ(NextReviewDate(c.approval, c.period, c.after), c.expected)
        << c.approval << " period " << c.period << " after " << c.after;
  }
}

// The shortcut NextReviewDate takes agrees with walking the grid from k = 1,
// over every approval day of four years (leap year included) and afters
// from before the approval to nine years later.
TEST(NextReviewDateTest, AgreesWithWalkingTheGrid) {
  for (int period : {6, 12}) {
    for (CivilDay approval(2023, 1, 1); approval <= CivilDay(2026, 12, 31);
         approval += 7) {
      for (int offset = -40; offset < 9 * 366; offset += 13) {
        const CivilDay after = approval + offset;
        int k = 1;
        while (GridDate(approval, period, k) <= after) ++k;
        ASSERT_EQ(NextReviewDate(approval, period, after),
                  GridDate(approval, period, k))
            << approval << " " << period << " " << after;
      }
    }
  }
}

TEST(DeathRecheckDateTest, ThreeMonthsLaterClamped) {
  EXPECT_EQ(DeathRecheckDate(CivilDay(2026, 12, 15)), CivilDay(2027, 3, 15));
  EXPECT_EQ(DeathRecheckDate(CivilDay(2026, 11, 30)), CivilDay(2027, 2, 28));
  EXPECT_EQ(DeathRecheckDate(CivilDay(2027, 11, 30)), CivilDay(2028, 2, 29));
  EXPECT_EQ(DeathRecheckDate(CivilDay(2026, 10, 31)), CivilDay(2027, 1, 31));
  EXPECT_EQ(DeathRecheckDate(CivilDay(2026, 5, 31)), CivilDay(2026, 8, 31));
  EXPECT_EQ(DeathRecheckDate(CivilDay(2026, 3, 31)), CivilDay(2026, 6, 30));
}

// Reports written by hand: only the parts the period reads, as text
// fragments ending in '|', each merged in turn (a fragment may name the
// household or the request again).
hedui::v1::Report ReportOf(const std::string& text) {
  hedui::v1::Report report;
  for (absl::string_view fragment : absl::StrSplit(text, '|')) {
    EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(
        std::string(fragment), &report))
        << fragment;
  }
  return report;
}

std::string Member(const std::string& id, int age, bool counted = true) {
  return absl::StrCat("household { members { person_id: '", id, "' age: ", age,
                      " counted: ", counted ? "true" : "false", " } } |");
}

std::string Declared(const std::string& id, bool student = false) {
  return absl::StrCat("request { members { person_id: '", id,
                      "' full_time_student: ", student ? "true" : "false",
                      " } } |");
}

std::string Disability(const std::string& state) {
  return absl::StrCat("departments { department: DISABILITY state: ", state,
                      " } |");
}

std::string Evidence(const std::string& criterion, const std::string& id,
                     const std::string& record) {
  return absl::StrCat("findings { criterion: ", criterion,
                      " evidence { department: DISABILITY person_id: '", id,
                      "' record: '", record, "' } } |");
}

struct PeriodCase {
  std::string name;
  std::string report;
  int expected;
};

TEST(ReviewPeriodMonthsTest, SixWhenACountedMemberCanWork) {
  const std::string a = "A";
  const std::string b = "B";
  const std::vector<PeriodCase> cases = {
      {"working-age adult, no disability shown",
       Member(a, 46) + Member(b, 11) + Declared(a) + Declared(b) +
           Disability("FRESH"),
       6},
      {"over 60 and under 16",
       Member(a, 82) + Member(b, 11) + Disability("FRESH"), 12},
      {"15 cannot work", Member(a, 15) + Disability("FRESH"), 12},
      {"16 can work", Member(a, 16) + Disability("FRESH"), 6},
      {"59 can work", Member(a, 59) + Disability("FRESH"), 6},
      {"60 cannot work", Member(a, 60) + Disability("FRESH"), 12},
      {"a declared full-time student of 20 cannot work",
       Member(a, 20) + Member(b, 70) + Declared(a, true) + Declared(b) +
           Disability("FRESH"),
       12},
      {"a member not counted (deceased) does not count",
       Member(a, 40, false) + Member(b, 70) + Disability("FRESH"), 12},
      // §5 "cannot work" disabilities, from the evidence the report shows.
      {"physical 1",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "肢体残疾 1 级"),
       12},
      {"physical 2",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "肢体残疾 2 级"),
       12},
      {"physical 3",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "肢体残疾 3 级"),
       6},
      {"intellectual 3",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "智力残疾 3 级"),
       12},
      {"mental 4",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "精神残疾 4 级"),
       6},
      {"visual 1",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "视力残疾 1 级"),
       12},
      {"visual 2",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "视力残疾 2 级"),
       6},
      {"hearing 1 does not stop work",
       Member(a, 40) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "听力残疾 1 级"),
       6},
      {"another person's disability",
       Member(a, 40) + Member(b, 70) + Disability("FRESH") +
           Evidence("CANNOT_WORK", b, "肢体残疾 1 级"),
       6},
      {"one of two working-age members disabled",
       Member(a, 40) + Member(b, 38) + Disability("FRESH") +
           Evidence("CANNOT_WORK", a, "肢体残疾 1 级"),
       6},
      // Stale or missing disability data: 6 for whom it would decide.
      {"stale",
       Member(a, 40) + Disability("STALE") +
           Evidence("CANNOT_WORK", a, "肢体残疾 1 级"),
       6},
      {"missing", Member(a, 40) + Disability("MISSING"), 6},
      {"not in the report", Member(a, 40), 6},
      {"stale, nobody of working age",
       Member(a, 70) + Member(b, 10) + Disability("STALE"), 12},
      {"stale, a student",
       Member(a, 19) + Declared(a, true) + Disability("MISSING"), 12},
      {"no counted member", Member(a, 40, false) + Disability("FRESH"), 12},
      // Single-person coverage: only the covered member counts.
      {"covered member disabled, another able",
       Member(a, 50) + Member(b, 30) + Disability("FRESH") +
           Evidence("COMPOSITION", a, "精神残疾 2 级") +
           "household { single_person_coverage: true } |"
           "request { single_person_member_id: 'A' }",
       12},
      {"covered member deaf: qualifies for coverage, can work",
       Member(a, 50) + Member(b, 70, false) + Disability("FRESH") +
           Evidence("COMPOSITION", a, "听力残疾 1 级") +
           "household { single_person_coverage: true } |"
           "request { single_person_member_id: 'A' }",
       6},
      {"coverage asked, not applied: the whole household",
       Member(a, 50) + Member(b, 30) + Disability("FRESH") +
           Evidence("COMPOSITION", a, "精神残疾 2 级") +
           "request { single_person_member_id: 'A' }",
       6},
  };
  for (const PeriodCase& c : cases) {
    EXPECT_EQ(ReviewPeriodMonths(ReportOf(c.report)), c.expected) << c.name;
  }
}

// Through the engine: a 特困 household's CANNOT_WORK evidence as the engine
// words it is read back.
TEST(ReviewPeriodMonthsTest, ReadsTheEnginesTekunReport) {
  namespace t = testing;
  const CivilDay day(2026, 11, 5);
  for (const auto& [grade, expected] :
       std::vector<std::pair<int, int>>{{1, 12}, {3, 6}}) {
    t::HouseholdBuilder h(hedui::v1::TEKUN, day);
    const std::string id = h.AddMember(CivilDay(1986, 4, 4));
    t::store::DisabilityRecord* d = h.Person(id)->add_disability();
    d->set_person_id(id);
    d->set_category(t::store::PHYSICAL);
    d->set_grade(grade);
    const hedui::v1::Report report = h.Evaluate();
    ASSERT_NE(t::FindingOf(report, hedui::v1::Finding::CANNOT_WORK), nullptr);
    EXPECT_EQ(ReviewPeriodMonths(report), expected) << "grade " << grade;
  }
}

}  // namespace
}  // namespace hedui::engine
