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

// Through the engine: a 特困 report stored before review_period_months
// existed (0) has its CANNOT_WORK evidence, as the engine words it, read
// back.
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
    hedui::v1::Report report = h.Evaluate();
    ASSERT_NE(t::FindingOf(report, hedui::v1::Finding::CANNOT_WORK), nullptr);
    EXPECT_EQ(report.review_period_months(), expected) << "grade " << grade;
    report.clear_review_period_months();
    EXPECT_EQ(ReviewPeriodMonths(report), expected) << "grade " << grade;
  }
}

// A report that carries its period: the field, whatever the report shows.
TEST(ReviewPeriodMonthsTest, TheStoredPeriodWins) {
  // A working-age member with no disability shown: 6 when derived.
  const std::string shown = Member("A", 40) + Disability("FRESH");
  EXPECT_EQ(ReviewPeriodMonths(ReportOf(shown)), 6);
  EXPECT_EQ(ReviewPeriodMonths(ReportOf(shown + "review_period_months: 12")),
            12);
  // An old-age household: 12 when derived.
  const std::string old_age = Member("A", 75) + Disability("FRESH");
  EXPECT_EQ(ReviewPeriodMonths(ReportOf(old_age)), 12);
  EXPECT_EQ(ReviewPeriodMonths(ReportOf(old_age + "review_period_months: 6")),
            6);
}

// The period judged at evaluation time (Report.review_period_months), from
// the records, in every program. Expected values by hand from domain.md
// §10.1 "Reviews" and §5 "cannot work"; verification on 2026-11-05, every
// department as of 2026-11-01 unless a test moves DISABILITY (maximum age
// 92 days in the example policy, deploy/policy/example.textproto).
class JudgedPeriodTest : public ::testing::Test {
 protected:
  static constexpr CivilDay kDay = CivilDay(2026, 11, 5);

  static void Disable(testing::HouseholdBuilder& h, const std::string& id,
                      testing::store::DisabilityCategory category, int grade) {
    testing::store::DisabilityRecord* d = h.Person(id)->add_disability();
    d->set_person_id(id);
    d->set_category(category);
    d->set_grade(grade);
  }
};

constexpr CivilDay JudgedPeriodTest::kDay;

constexpr hedui::v1::Program kEveryProgram[] = {
    hedui::v1::DIBAO,         hedui::v1::TEKUN,   hedui::v1::LOW_INCOME_MARGIN,
    hedui::v1::TEMPORARY,     hedui::v1::MEDICAL, hedui::v1::HOUSING,
    hedui::v1::UNION_HARDSHIP};

// The case: a program without CANNOT_WORK (低保 and the others but
// 特困) whose only working-age member has a "cannot work" disability on
// fresh data calls for 12 months, like 特困; without the disability, 6.
TEST_F(JudgedPeriodTest, FreshCannotWorkDisabilityInEveryProgram) {
  for (hedui::v1::Program program : kEveryProgram) {
    const std::string name = hedui::v1::Program_Name(program);
    testing::HouseholdBuilder h(program, kDay);
    const std::string head = h.AddMember(CivilDay(1986, 4, 4));  // 40
    h.AddMember(CivilDay(1950, 3, 3), hedui::v1::PARENT);        // 76
    const hedui::v1::Report able = h.Evaluate();
    EXPECT_EQ(able.review_period_months(), 6) << name;
    EXPECT_EQ(ReviewPeriodMonths(able), 6) << name;

    Disable(h, head, testing::store::PHYSICAL, 1);
    const hedui::v1::Report disabled = h.Evaluate();
    EXPECT_EQ(disabled.review_period_months(), 12) << name;
    EXPECT_EQ(ReviewPeriodMonths(disabled), 12) << name;
    EXPECT_EQ(testing::FindingOf(disabled, hedui::v1::Finding::CANNOT_WORK) !=
                  nullptr,
              program == hedui::v1::TEKUN)
        << name;
  }
}

// A DIBAO report stored before the field (0) is derived the old way, from
// what it shows: no disability records, so the disabled member counts as
// able to work. The stored field is what fixes that.
TEST_F(JudgedPeriodTest, OldDibaoReportFallsBackToItsFindings) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string head = h.AddMember(CivilDay(1986, 4, 4));
  Disable(h, head, testing::store::MENTAL, 2);
  hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ReviewPeriodMonths(report), 12);
  report.set_review_period_months(0);
  EXPECT_EQ(ReviewPeriodMonths(report), 6);
}

// §5 "cannot work" disabilities, each on the household's only working-age
// member, in 低保.
TEST_F(JudgedPeriodTest, WhichDisabilitiesStopWork) {
  namespace s = testing::store;
  struct Case {
    s::DisabilityCategory category;
    int grade;
    int expected;
  };
  const std::vector<Case> cases = {
      {s::INTELLECTUAL, 3, 12}, {s::INTELLECTUAL, 4, 6}, {s::MENTAL, 1, 12},
      {s::MENTAL, 3, 12},       {s::MENTAL, 4, 6},       {s::PHYSICAL, 2, 12},
      {s::PHYSICAL, 3, 6},      {s::VISUAL, 1, 12},      {s::VISUAL, 2, 6},
      {s::HEARING, 1, 6},       {s::SPEECH, 1, 6},       {s::MULTIPLE, 2, 12},
      {s::MULTIPLE, 3, 6},
  };
  for (const Case& c : cases) {
    testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    const std::string head = h.AddMember(CivilDay(1986, 4, 4));
    Disable(h, head, c.category, c.grade);
    EXPECT_EQ(h.Evaluate().review_period_months(), c.expected)
        << s::DisabilityCategory_Name(c.category) << " " << c.grade;
  }
}

// Stale or missing disability data: 6 (domain.md §10.1), in a program
// without CANNOT_WORK as in 特困. Stale when older than 92 days: as of
// 2026-08-05 is 92 days before 2026-11-05 (fresh), 08-04 is 93 (stale).
TEST_F(JudgedPeriodTest, StaleDisabilityDataGivesSix) {
  for (hedui::v1::Program program : {hedui::v1::DIBAO, hedui::v1::TEKUN}) {
    const std::string name = hedui::v1::Program_Name(program);
    testing::HouseholdBuilder h(program, kDay);
    const std::string head = h.AddMember(CivilDay(1986, 4, 4));
    Disable(h, head, testing::store::INTELLECTUAL, 1);
    h.SetAsOf(hedui::v1::DISABILITY, CivilDay(2026, 8, 5));
    EXPECT_EQ(h.Evaluate().review_period_months(), 12) << name;
    h.SetAsOf(hedui::v1::DISABILITY, CivilDay(2026, 8, 4));
    EXPECT_EQ(h.Evaluate().review_period_months(), 6) << name;
    h.RemoveDepartment(hedui::v1::DISABILITY);
    EXPECT_EQ(h.Evaluate().review_period_months(), 6) << name;
  }
}

// Members whom age or study excuse need no disability data: stale data
// leaves such a household at 12.
TEST_F(JudgedPeriodTest, StaleDataDoesNotMatterWithoutAWorkingAgeMember) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  h.AddMember(CivilDay(1950, 3, 3));                    // 76
  h.AddMember(CivilDay(2015, 6, 1), hedui::v1::CHILD);  // 11
  h.SetAsOf(hedui::v1::DISABILITY, CivilDay(2026, 1, 1));
  EXPECT_EQ(h.Evaluate().review_period_months(), 12);
}

// Working age is 16–59 on the verification date (domain.md §5): born
// 2010-11-05 is 16 on 2026-11-05, born 2010-11-06 still 15; born 1966-11-05
// is 60, born 1966-11-06 still 59. Each alone with a 76-year-old head.
TEST_F(JudgedPeriodTest, WorkingAgeOnTheVerificationDate) {
  const std::vector<std::pair<CivilDay, int>> cases = {
      {CivilDay(2010, 11, 5), 6},
      {CivilDay(2010, 11, 6), 12},
      {CivilDay(1966, 11, 5), 12},
      {CivilDay(1966, 11, 6), 6},
  };
  for (const auto& [birth, expected] : cases) {
    testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(CivilDay(1950, 3, 3));
    h.AddMember(birth, hedui::v1::CHILD);
    EXPECT_EQ(h.Evaluate().review_period_months(), expected) << birth;
  }
}

// A declared full-time student of working age is not counted as able to
// work (domain.md §10.1), whatever the state of the disability data.
TEST_F(JudgedPeriodTest, DeclaredFullTimeStudentCannotWork) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  h.AddMember(CivilDay(1950, 3, 3));                           // 76
  const std::string child = h.AddMember(CivilDay(2006, 9, 1),  // 20
                                        hedui::v1::CHILD);
  EXPECT_EQ(h.Evaluate().review_period_months(), 6);
  h.Member(child)->set_full_time_student(true);
  EXPECT_EQ(h.Evaluate().review_period_months(), 12);
  h.SetAsOf(hedui::v1::DISABILITY, CivilDay(2026, 1, 1));
  EXPECT_EQ(h.Evaluate().review_period_months(), 12);
}

// Single-person coverage: only the covered member counts. A parent of 56
// without income or disability and a child of 26 with a qualifying
// disability; nobody has income, so the household is below the margin line
// and coverage applies (domain.md §2).
TEST_F(JudgedPeriodTest, SinglePersonCoverageCountsTheCoveredMemberOnly) {
  struct Case {
    std::string name;
    testing::store::DisabilityCategory category;
    int grade;
    bool ask_coverage;
    int expected;
  };
  const std::vector<Case> cases = {
      {"covered, mental 2: cannot work", testing::store::MENTAL, 2, true, 12},
      {"not asked: the parent can work", testing::store::MENTAL, 2, false, 6},
      {"covered, hearing 1: qualifies, can work", testing::store::HEARING, 1,
       true, 6},
  };
  for (const Case& c : cases) {
    testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(CivilDay(1970, 1, 1));
    const std::string child =
        h.AddMember(CivilDay(2000, 1, 1), hedui::v1::CHILD);
    Disable(h, child, c.category, c.grade);
    if (c.ask_coverage) h.request().set_single_person_member_id(child);
    const hedui::v1::Report report = h.Evaluate();
    ASSERT_EQ(report.household().single_person_coverage(), c.ask_coverage)
        << c.name << ": " << report.household().single_person_note();
    EXPECT_EQ(report.review_period_months(), c.expected) << c.name;
    EXPECT_EQ(ReviewPeriodMonths(report), c.expected) << c.name;
  }
}

// A member not counted (deceased) does not count: the household of a
// working-age member who died and a 76-year-old keeps 12.
TEST_F(JudgedPeriodTest, MembersNotCountedDoNotCount) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  h.AddMember(CivilDay(1950, 3, 3));
  const std::string son = h.AddMember(CivilDay(1980, 2, 2), hedui::v1::CHILD);
  EXPECT_EQ(h.Evaluate().review_period_months(), 6);
  testing::store::DeathRecord* death = h.Person(son)->add_death();
  death->set_person_id(son);
  *death->mutable_date_of_death() = hedui::ToProto(CivilDay(2026, 9, 1));
  const hedui::v1::Report report = h.Evaluate();
  ASSERT_EQ(report.household().counted_members(), 1);
  EXPECT_EQ(report.review_period_months(), 12);
}

}  // namespace
}  // namespace hedui::engine
