// Income rule (domain.md §4) at its boundaries. Every expected figure is
// worked out by hand in the comment above its case.
#include "server/engine/rules/income.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/engine/testing/household_builder.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using testing::HouseholdBuilder;
using testing::ResultOf;
namespace store = hedui::store::v1;

const absl::CivilDay kDay(2026, 11, 5);  // window 2025-11 .. 2026-10
const absl::CivilDay kAdultBirth(1980, 5, 5);

// 320581 URBAN on 2026-11-05: 低保 93,000 fen. One member, wages W in total
// over the window: counted W × 0.9 against 93,000 × 12 = 1,116,000, i.e.
// W < 1,240,000 passes.
struct WageCase {
  const char* name;
  int64_t window_wages_fen;
  Finding::Result expected;
};

class DibaoWageBoundary : public ::testing::TestWithParam<WageCase> {};

TEST_P(DibaoWageBoundary, StrictlyBelowTheStandard) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), GetParam().window_wages_fen);
  h.request()
      .mutable_members(0)
      ->mutable_declared_monthly_income()
      ->set_wages_fen(0);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), GetParam().expected)
      << testing::FindingOf(report, Finding::INCOME)->explanation();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DibaoWageBoundary,
    ::testing::Values(WageCase{"OneFenBelow", 1'239'999, Finding::PASS},
                      WageCase{"AtTheStandard", 1'240'000, Finding::FAIL},
                      WageCase{"OneFenAbove", 1'240'001, Finding::FAIL}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeTest, ShowsFiguresRoundedDownAndTheDistance) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), 1'239'999);
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  // 1,239,999 × 0.9 / 12 = 92,999.925 fen a month.
  EXPECT_EQ(f->value().shown(), "929.9992 元/人·月");
  EXPECT_EQ(f->threshold().shown(), "930.00 元/人·月");
  EXPECT_EQ(f->distance().shown(), "0.0007 元/人·月");
  EXPECT_EQ(f->comparison(), Finding::LESS_THAN);
  EXPECT_EQ(report.income().per_capita_monthly().shown(), "929.9992 元/人·月");
  EXPECT_EQ(report.income().window_first().year(), 2025);
  EXPECT_EQ(report.income().window_first().month(), 11);
  EXPECT_EQ(report.income().window_last().month(), 10);
  EXPECT_FALSE(f->evidence().empty());
  EXPECT_NE(f->explanation().find("低于低保标准"), std::string::npos);
}

// A payment belongs to the month it is for: 2025-11 is the window's first
// month, 2025-10 and the verification month are outside.
struct WindowCase {
  const char* name;
  absl::CivilMonth month;
  bool counted;
};

class LookBackWindowEdge : public ::testing::TestWithParam<WindowCase> {};

TEST_P(LookBackWindowEdge, OnlyMonthsOfTheWindowCount) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  // 2,000,000 alone fails (× 0.9 = 1,800,000 > 1,116,000).
  h.TaxWage(id, GetParam().month, 2'000'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME),
            GetParam().counted ? Finding::FAIL : Finding::PASS);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LookBackWindowEdge,
    ::testing::Values(
        WindowCase{"FirstMonth", absl::CivilMonth(2025, 11), true},
        WindowCase{"LastMonth", absl::CivilMonth(2026, 10), true},
        WindowCase{"MonthBefore", absl::CivilMonth(2025, 10), false},
        WindowCase{"VerificationMonth", absl::CivilMonth(2026, 11), false}),
    [](const auto& info) { return std::string(info.param.name); });

// 320581 URBAN: 88,500 until 2026-06-30, 93,000 from 2026-07-01. A pension of
// 90,000 a month in every month is between the two.
struct RaiseCase {
  const char* name;
  absl::CivilDay day;
  Finding::Result expected;
  const char* threshold;
};

class StandardRaise : public ::testing::TestWithParam<RaiseCase> {};

TEST_P(StandardRaise, UsesTheStandardInForceOnTheDay) {
  HouseholdBuilder h(hedui::v1::DIBAO, GetParam().day, GetParam().day - 1);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 1), absl::CivilMonth(2026, 10),
                   90'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), GetParam().expected);
  EXPECT_EQ(testing::FindingOf(report, Finding::INCOME)->threshold().shown(),
            GetParam().threshold);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StandardRaise,
    ::testing::Values(RaiseCase{"DayBefore", absl::CivilDay(2026, 6, 30),
                                Finding::FAIL, "885.00 元/人·月"},
                      RaiseCase{"EffectiveDay", absl::CivilDay(2026, 7, 1),
                                Finding::PASS, "930.00 元/人·月"},
                      RaiseCase{"DayAfter", absl::CivilDay(2026, 7, 2),
                                Finding::PASS, "930.00 元/人·月"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeTest, TaxWagePrevailsOverTheSocialInsuranceBaseForTheSameMonth) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  // March: tax 500,000 and base 900,000 → 500,000; April: base 600,000 only.
  // Counted (500,000 + 600,000) × 0.9 = 990,000 < 1,116,000: pass. Adding
  // the March base would make 1,800,000 × 0.9 = 1,620,000: fail.
  h.TaxWage(id, absl::CivilMonth(2026, 3), 500'000);
  h.SocialInsurance(id, absl::CivilMonth(2026, 3), 900'000);
  h.SocialInsurance(id, absl::CivilMonth(2026, 4), 600'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  const auto& wages = report.income().members(0).categories(0);
  EXPECT_EQ(wages.category(), hedui::v1::WAGES);
  EXPECT_EQ(wages.records_size(), 2);
  EXPECT_EQ(wages.excluded_size(), 1);
  // 1,100,000 / 12 = 91,666.66..., deducted 10 %.
  EXPECT_EQ(wages.found_monthly().shown(), "916.6666 元");
  EXPECT_EQ(wages.deducted_monthly().shown(), "91.6666 元");
  EXPECT_EQ(wages.counted_monthly().shown(), "825.00 元");
}

TEST(IncomeTest, ExcludedBenefitsAreShownButNotCounted) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  const absl::CivilMonth first(2025, 11), last(2026, 10);
  // Not income: each alone would fail the test.
  h.MonthlyPension(id, first, last, 200'000, store::RESIDENTS_BASIC_PENSION);
  h.MonthlyPension(id, first, last, 200'000, store::DISABILITY_SUBSIDY);
  h.MonthlyPension(id, first, last, 200'000, store::SPECIAL_CARE_PENSION);
  h.MonthlyPension(id, first, last, 200'000, store::SURVIVOR_PENSION);
  h.MonthlyPension(id, first, last, 200'000, store::ASSISTANCE_PAYMENT);
  // Income: unemployment benefit 92,999 a month, just below 93,000.
  h.MonthlyPension(id, first, last, 92'999, store::UNEMPLOYMENT_BENEFIT);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  EXPECT_EQ(report.income().per_capita_monthly().shown(), "929.99 元/人·月");
  const auto& transfer = report.income().members(0).categories(0);
  EXPECT_EQ(transfer.category(), hedui::v1::TRANSFER_INCOME);
  EXPECT_EQ(transfer.records_size(), 12);
  EXPECT_EQ(transfer.excluded_size(), 60);
}

TEST(IncomeTest, PerCapitaOverCountedMembersComparesExactly) {
  // Three members, 93,000 × 3 × 12 = 3,348,000 a window; wages
  // 3,720,000 × 0.9 = 3,348,000: at the line, fail; one fen less passes.
  for (const auto& [wages, expected] :
       {std::pair<int64_t, Finding::Result>{3'720'000, Finding::FAIL},
        std::pair<int64_t, Finding::Result>{3'719'999, Finding::PASS}}) {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    const std::string a = h.AddMember(kAdultBirth);
    h.AddMember(absl::CivilDay(1982, 1, 1), hedui::v1::SPOUSE);
    h.AddMember(absl::CivilDay(2015, 1, 1), hedui::v1::CHILD);
    h.TaxWage(a, absl::CivilMonth(2026, 1), wages);
    EXPECT_EQ(ResultOf(h.Evaluate(), Finding::INCOME), expected) << wages;
  }
}

TEST(IncomeTest, InformalWagesAreCountedAsDeclaredWithTheDeduction) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  // Declared informal 103,334 a month: × 0.9 = 93,000.6 ≥ 93,000: fail on
  // the household's own declaration.
  h.Member(id)->mutable_declared_monthly_income()->set_wages_fen(103'334);
  h.Member(id)->set_informal_work(true);
  hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::FAIL);
  EXPECT_EQ(report.income().members(0).categories(0).source(),
            hedui::v1::CategoryIncome::DECLARED);
  h.Member(id)->mutable_declared_monthly_income()->set_wages_fen(103'333);
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::INCOME), Finding::PASS);
}

TEST(IncomeTest, DeclaringMoreThanTheRecordsThatWouldFailNeedsReview) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   50'000);
  // Declares 120,000 of pension: over the line, the records are under it.
  h.Member(id)->mutable_declared_monthly_income()->set_transfer_fen(120'000);
  hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::REVIEW);
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_EQ(report.discrepancies(0).item(), "TRANSFER");
  EXPECT_TRUE(report.discrepancies(0).changes_outcome());
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);

  // Declaring more but still below the line changes nothing: reported only.
  h.Member(id)->mutable_declared_monthly_income()->set_transfer_fen(60'000);
  report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_FALSE(report.discrepancies(0).changes_outcome());
}

// domain.md §10.1: "In a re-verification, declared figures that a
// department covers (wages, pensions) are not compared again; uncovered ones
// (informal wages, rigid spending) still count."
TEST(IncomeTest, AReverificationComparesNoCoveredDeclaredFigureAgain) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   50'000);
  // The application's REVIEW above: declared 120,000 against 50,000.
  h.Member(id)->mutable_declared_monthly_income()->set_transfer_fen(120'000);
  hedui::v1::Report report =
      h.Evaluate(testing::ExamplePolicy(), Occasion::kReverification);
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  EXPECT_EQ(report.discrepancies_size(), 0);

  // Informal wages have no department: still counted as declared.
  HouseholdBuilder informal(hedui::v1::DIBAO, kDay);
  const std::string worker = informal.AddMember(kAdultBirth);
  informal.Member(worker)->mutable_declared_monthly_income()->set_wages_fen(
      103'334);
  informal.Member(worker)->set_informal_work(true);
  EXPECT_EQ(ResultOf(informal.Evaluate(testing::ExamplePolicy(),
                                       Occasion::kReverification),
                     Finding::INCOME),
            Finding::FAIL);
}

// domain.md §4: "A household that declares nothing for an item is not the
// same as one declaring 0: only a declared figure can disagree with the
// records." Records: tax wages 300,000 in each of the 12 months, counted
// 3,600,000 × 0.9 = 3,240,000, 270,000 a month: fail against 93,000.
struct DeclaredWagesCase {
  const char* name;
  // Not set: the member declares no income at all. Set with `wages` unset:
  // declares other categories only (transfer 0, matching no records).
  bool declares_income;
  std::optional<int64_t> wages;
  int discrepancies;
  bool changes_outcome;
};

class DeclaredWages : public ::testing::TestWithParam<DeclaredWagesCase> {};

TEST_P(DeclaredWages, OnlyADeclaredFigureCanDisagree) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(id, m, 300'000);
  }
  if (GetParam().declares_income) {
    hedui::v1::DeclaredIncome* income =
        h.Member(id)->mutable_declared_monthly_income();
    income->set_transfer_fen(0);
    if (GetParam().wages.has_value()) income->set_wages_fen(*GetParam().wages);
  }
  const hedui::v1::Report report = h.Evaluate();
  // The records decide whatever was declared.
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::FAIL);
  EXPECT_EQ(report.verdict(), hedui::v1::DOES_NOT_MEET);
  ASSERT_EQ(report.discrepancies_size(), GetParam().discrepancies);
  if (GetParam().discrepancies == 1) {
    EXPECT_EQ(report.discrepancies(0).item(), "WAGES");
    EXPECT_EQ(report.discrepancies(0).person_id(), id);
    EXPECT_EQ(report.discrepancies(0).found().shown(), "3,000.00 元");
    EXPECT_EQ(report.discrepancies(0).changes_outcome(),
              GetParam().changes_outcome);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DeclaredWages,
    ::testing::Values(
        DeclaredWagesCase{"DeclaresNoIncome", false, std::nullopt, 0, false},
        DeclaredWagesCase{"DeclaresOtherCategoriesOnly", true, std::nullopt, 0,
                          false},
        // Declared 0 would pass: it disagrees and would change the outcome.
        DeclaredWagesCase{"DeclaresZero", true, 0, 1, true},
        // 299,999 × 12 × 0.9 / 12 = 269,999.1: still fails.
        DeclaredWagesCase{"DeclaresOneFenLess", true, 299'999, 1, false},
        DeclaredWagesCase{"DeclaresTheRecords", true, 300'000, 0, false},
        DeclaredWagesCase{"DeclaresOneFenMore", true, 300'001, 1, false}),
    [](const auto& info) { return std::string(info.param.name); });

// Declared figures are per person (domain.md §2, §4): each member's
// declaration is set against that member's records, not the household's.
TEST(IncomeTest, DeclaredFiguresAreComparedPersonByPerson) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(kAdultBirth);
  const std::string b =
      h.AddMember(absl::CivilDay(1982, 1, 1), hedui::v1::SPOUSE);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(a, m, 50'000);
  }
  // A declares nothing; B declares 10,000 of wages and has no records. The
  // household's declared wages (10,000) are below its records (50,000), yet
  // only B's own figure is compared, and it is above B's records (0).
  h.Member(b)->mutable_declared_monthly_income()->set_wages_fen(10'000);
  hedui::v1::Report report = h.Evaluate();
  // (50,000 × 0.9) / 2 = 22,500: pass; with B's declaration (45,000 +
  // 9,000) / 2 = 27,000: still passes.
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_EQ(report.discrepancies(0).person_id(), b);
  EXPECT_EQ(report.discrepancies(0).item(), "WAGES");
  EXPECT_EQ(report.discrepancies(0).declared().shown(), "100.00 元");
  EXPECT_EQ(report.discrepancies(0).found().shown(), "0.00 元");
  EXPECT_FALSE(report.discrepancies(0).changes_outcome());

  // B declares 0 like B's records: nothing disagrees, A's declared nothing.
  h.Member(b)->mutable_declared_monthly_income()->set_wages_fen(0);
  report = h.Evaluate();
  EXPECT_EQ(report.discrepancies_size(), 0);

  // B declares 200,000: (45,000 + 180,000) / 2 = 112,500 ≥ 93,000 would
  // fail, so B's declaration above the records needs review.
  h.Member(b)->mutable_declared_monthly_income()->set_wages_fen(200'000);
  report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::REVIEW);
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_EQ(report.discrepancies(0).person_id(), b);
  EXPECT_TRUE(report.discrepancies(0).changes_outcome());
}

// A category no department covers (informal wages, other income) declared
// nothing counts 0 and the report says nothing was declared; declared 0
// counts 0 without that note.
TEST(IncomeTest, UncoveredCategoryDeclaredNothingIsSaid) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.Member(id)->set_informal_work(true);
  hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::PASS);
  const auto said = [](const Finding& finding, const std::string& text) {
    for (const auto& e : finding.evidence()) {
      if (e.record().find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(said(*f, "非正规就业工资性收入、其他收入：无部门数据，未申报"));
  EXPECT_EQ(report.discrepancies_size(), 0);

  h.Member(id)->mutable_declared_monthly_income()->set_wages_fen(0);
  h.Member(id)->mutable_declared_monthly_income()->set_other_fen(0);
  report = h.Evaluate();
  f = testing::FindingOf(report, Finding::INCOME);
  EXPECT_EQ(f->result(), Finding::PASS);
  EXPECT_FALSE(said(*f, "未申报"));
  EXPECT_EQ(report.discrepancies_size(), 0);
}

// Single-person coverage (domain.md §2) compares only the covered member's
// own declaration: another member's declared figure disagreeing with that
// member's records is not this verification's.
TEST(IncomeTest, SinglePersonVerificationComparesOnlyThatMembersOwn) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(kAdultBirth);
  const std::string b =
      h.AddMember(absl::CivilDay(2000, 3, 3), hedui::v1::CHILD);
  store::DisabilityRecord* disability = h.Person(b)->add_disability();
  disability->set_person_id(b);
  disability->set_category(store::PHYSICAL);
  disability->set_grade(1);
  // Household: A's wages 100,000 a month, (90,000 + 0) / 2 = 45,000 <
  // 139,500: single-person coverage applies. B alone: pension 80,000 <
  // 93,000: pass.
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(a, m, 100'000);
  }
  h.MonthlyPension(b, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   80'000);
  h.Member(a)->mutable_declared_monthly_income()->set_wages_fen(0);
  h.Member(b)->mutable_declared_monthly_income()->set_transfer_fen(0);
  h.request().set_single_person_member_id(b);
  hedui::v1::Report report = h.Evaluate();
  ASSERT_TRUE(report.household().single_person_coverage());
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::PASS) << f->explanation();
  EXPECT_EQ(f->value().shown(), "800.00 元/人·月");
  // B's declared 0 against B's 80,000; A's declared 0 is not compared.
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_EQ(report.discrepancies(0).person_id(), b);
  EXPECT_EQ(report.discrepancies(0).item(), "TRANSFER");
  EXPECT_FALSE(report.discrepancies(0).changes_outcome());

  // Verified as a whole, A's declaration is compared too.
  h.request().clear_single_person_member_id();
  report = h.Evaluate();
  EXPECT_EQ(report.discrepancies_size(), 2);
}

TEST(IncomeTest, StaleOrMissingIncomeDataIsUnknownNeverZero) {
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(kAdultBirth);
    // TAX may be 62 days old: 2026-09-04 is 62 days before 11-05 (fresh),
    // 2026-09-03 is 63 (stale).
    h.SetAsOf(hedui::v1::TAX, absl::CivilDay(2026, 9, 4));
    EXPECT_EQ(ResultOf(h.Evaluate(), Finding::INCOME), Finding::PASS);
    h.SetAsOf(hedui::v1::TAX, absl::CivilDay(2026, 9, 3));
    const hedui::v1::Report report = h.Evaluate();
    EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::UNKNOWN);
    EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
  }
  {
    HouseholdBuilder h(hedui::v1::DIBAO, kDay);
    h.AddMember(kAdultBirth);
    h.RemoveDepartment(hedui::v1::BENEFITS);
    const hedui::v1::Report report = h.Evaluate();
    const hedui::v1::Finding* f = testing::FindingOf(report, Finding::INCOME);
    EXPECT_EQ(f->result(), Finding::UNKNOWN);
    ASSERT_EQ(f->missing_departments_size(), 1);
    EXPECT_EQ(f->missing_departments(0), hedui::v1::BENEFITS);
  }
}

// No registration record for the applicant (domain.md §2): the standard
// cannot be chosen, so the income criterion passes when it passes under every
// standard of the region, fails when it fails under every one, and is UNKNOWN
// otherwise. 320581 on 2026-11-05: 低保 urban 93,000, rural 70,000; margin
// urban [93,000, 139,500), rural [70,000, 105,000). One member, a pension of
// P a month in every month of the window.
struct NoRegistrationCase {
  const char* name;
  hedui::v1::Program program;
  int64_t monthly_pension;
  Finding::Result expected;
  const char* threshold;  // the strictest line unless it fails everywhere
};

class NoRegistration : public ::testing::TestWithParam<NoRegistrationCase> {};

TEST_P(NoRegistration, JudgedUnderEveryStandardOfTheRegion) {
  HouseholdBuilder h(GetParam().program, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.Person(id)->clear_household_registration();
  if (GetParam().monthly_pension > 0) {
    h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                     GetParam().monthly_pension);
  }
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), GetParam().expected) << f->explanation();
  EXPECT_EQ(f->threshold().shown(), GetParam().threshold);
  // Each standard is shown with its outcome.
  EXPECT_NE(f->explanation().find("申请人无户籍登记记录"), std::string::npos);
  EXPECT_NE(f->explanation().find("按城市"), std::string::npos)
      << f->explanation();
  EXPECT_NE(f->explanation().find("按农村"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NoRegistration,
    ::testing::Values(
        NoRegistrationCase{"NoIncomePassesEverywhere", hedui::v1::DIBAO, 0,
                           Finding::PASS, "700.00 元/人·月"},
        NoRegistrationCase{"BelowRural", hedui::v1::DIBAO, 69'999,
                           Finding::PASS, "700.00 元/人·月"},
        NoRegistrationCase{"AtRural", hedui::v1::DIBAO, 70'000,
                           Finding::UNKNOWN, "700.00 元/人·月"},
        NoRegistrationCase{"BelowUrban", hedui::v1::DIBAO, 92'999,
                           Finding::UNKNOWN, "700.00 元/人·月"},
        NoRegistrationCase{"AtUrban", hedui::v1::DIBAO, 93'000, Finding::FAIL,
                           "930.00 元/人·月"},
        // Margin: below the urban 低保 standard fails urban, passes rural.
        NoRegistrationCase{"MarginBelowUrbanDibao",
                           hedui::v1::LOW_INCOME_MARGIN, 92'999,
                           Finding::UNKNOWN, "1,050.00 元/人·月"},
        NoRegistrationCase{"MarginInBoth", hedui::v1::LOW_INCOME_MARGIN, 93'000,
                           Finding::PASS, "1,050.00 元/人·月"},
        NoRegistrationCase{"MarginJustBelowRuralLine",
                           hedui::v1::LOW_INCOME_MARGIN, 104'999, Finding::PASS,
                           "1,050.00 元/人·月"},
        NoRegistrationCase{"MarginAtRuralLine", hedui::v1::LOW_INCOME_MARGIN,
                           105'000, Finding::UNKNOWN, "1,050.00 元/人·月"},
        NoRegistrationCase{"MarginAtUrbanLine", hedui::v1::LOW_INCOME_MARGIN,
                           139'500, Finding::FAIL, "1,395.00 元/人·月"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeTest, NoRegistrationExplanationShowsEachStandard) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.Person(id)->clear_household_registration();
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   80'000);
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::UNKNOWN);
  const std::string& text = f->explanation();
  EXPECT_NE(text.find("按城市低保标准 930.00 元，低于（符合）"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("按农村低保标准 700.00 元，不低于（不符合）"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("各标准下结论不同，无法判断"), std::string::npos);
}

// Trade union without a registration record: deep below the 低保 standard,
// relative below 2 × it; urban 93,000 / 186,000, rural 70,000 / 140,000. The
// tier is the one reached under every standard (deep or relative under each
// is relative), unknown when it is none under one and not all.
struct UnionNoRegistrationCase {
  const char* name;
  int64_t monthly_pension;
  Finding::Result expected;
  hedui::v1::UnionTier tier;
};

class UnionNoRegistration
    : public ::testing::TestWithParam<UnionNoRegistrationCase> {};

TEST_P(UnionNoRegistration, TierUnderEveryStandard) {
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.Person(id)->clear_household_registration();
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   GetParam().monthly_pension);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), GetParam().expected);
  EXPECT_EQ(report.union_tier(), GetParam().tier);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UnionNoRegistration,
    ::testing::Values(
        UnionNoRegistrationCase{"DeepUnderBoth", 69'999, Finding::PASS,
                                hedui::v1::DEEP},
        UnionNoRegistrationCase{"DeepUrbanRelativeRural", 70'000, Finding::PASS,
                                hedui::v1::RELATIVE},
        UnionNoRegistrationCase{"RelativeUnderBoth", 139'999, Finding::PASS,
                                hedui::v1::RELATIVE},
        UnionNoRegistrationCase{"RelativeUrbanNoneRural", 140'000,
                                Finding::UNKNOWN,
                                hedui::v1::UNION_TIER_UNSPECIFIED},
        UnionNoRegistrationCase{"NoneUnderBoth", 186'000, Finding::FAIL,
                                hedui::v1::NONE}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeTest, RuralStandardOfTheApplicantsRegistrationApplies) {
  // 320581 RURAL from 2026-07-01: 70,000. Pension 75,000: fails rural,
  // would pass urban (93,000).
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id =
      h.AddMember(kAdultBirth, hedui::v1::HEAD, store::RURAL);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   75'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::FAIL);
  EXPECT_EQ(report.policy().residence_class(), hedui::v1::RURAL);
}

// Margin: not 低保-eligible and below 1.5 × 93,000 = 139,500.
struct LineCase {
  const char* name;
  hedui::v1::Program program;
  int64_t monthly_pension;
  Finding::Result expected;
};

class ProgramLines : public ::testing::TestWithParam<LineCase> {};

TEST_P(ProgramLines, EachProgramHasItsLine) {
  HouseholdBuilder h(GetParam().program, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   GetParam().monthly_pension);
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::INCOME), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ProgramLines,
    ::testing::Values(
        LineCase{"MarginBelowDibao", hedui::v1::LOW_INCOME_MARGIN, 92'999,
                 Finding::FAIL},
        LineCase{"MarginAtDibao", hedui::v1::LOW_INCOME_MARGIN, 93'000,
                 Finding::PASS},
        LineCase{"MarginJustBelow", hedui::v1::LOW_INCOME_MARGIN, 139'499,
                 Finding::PASS},
        LineCase{"MarginAtLine", hedui::v1::LOW_INCOME_MARGIN, 139'500,
                 Finding::FAIL},
        LineCase{"HousingJustBelow", hedui::v1::HOUSING, 139'499,
                 Finding::PASS},
        LineCase{"HousingAtLine", hedui::v1::HOUSING, 139'500, Finding::FAIL},
        LineCase{"MedicalJustBelow", hedui::v1::MEDICAL, 139'499,
                 Finding::PASS},
        LineCase{"MedicalAtLine", hedui::v1::MEDICAL, 139'500, Finding::FAIL},
        // 3,600,000 a year = 300,000 a month.
        LineCase{"TemporaryJustBelow", hedui::v1::TEMPORARY, 299'999,
                 Finding::PASS},
        LineCase{"TemporaryAtLine", hedui::v1::TEMPORARY, 300'000,
                 Finding::FAIL},
        LineCase{"TekunJustBelow", hedui::v1::TEKUN, 92'999, Finding::PASS},
        LineCase{"TekunAtLine", hedui::v1::TEKUN, 93'000, Finding::FAIL}),
    [](const auto& info) { return std::string(info.param.name); });

// Trade union: (monthly × 12 − rigid) / 12 / members against 93,000 (deep)
// and 186,000 (relative). One member, pension P a month, rigid R a year.
struct UnionCase {
  const char* name;
  int64_t monthly_pension;
  int64_t rigid_medical;
  Finding::Result expected;
  hedui::v1::UnionTier tier;
};

class UnionTiers : public ::testing::TestWithParam<UnionCase> {};

TEST_P(UnionTiers, RigidSpendingComesOffTheAnnualIncome) {
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   GetParam().monthly_pension);
  h.request().mutable_rigid_spending()->set_medical_fen(
      GetParam().rigid_medical);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), GetParam().expected);
  EXPECT_EQ(report.union_tier(), GetParam().tier);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UnionTiers,
    ::testing::Values(
        // 200,000 × 12 − 168,001 = 2,231,999 < 2,232,000 = 186,000 × 12.
        UnionCase{"RelativeJustBelow", 200'000, 168'001, Finding::PASS,
                  hedui::v1::RELATIVE},
        UnionCase{"RelativeAtLine", 200'000, 168'000, Finding::FAIL,
                  hedui::v1::NONE},
        // 100,000 × 12 − 84,001 = 1,115,999 < 1,116,000 = 93,000 × 12.
        UnionCase{"DeepJustBelow", 100'000, 84'001, Finding::PASS,
                  hedui::v1::DEEP},
        UnionCase{"DeepAtLine", 100'000, 84'000, Finding::PASS,
                  hedui::v1::RELATIVE}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeTest, HousingFundBaseOnlyCorroborates) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), 100'000);
  store::HousingFundRecord* f = h.Person(id)->add_housing_fund();
  f->set_person_id(id);
  *f->mutable_period() = hedui::ToProto(absl::CivilMonth(2026, 3));
  f->set_deposit_base_fen(150'001);  // more than half above 100,000
  hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  bool reported = false;
  for (const auto& d : report.discrepancies()) {
    if (d.item() == "HOUSING_FUND_BASE") {
      reported = true;
      EXPECT_FALSE(d.changes_outcome());
    }
  }
  EXPECT_TRUE(reported);
  f->set_deposit_base_fen(150'000);  // exactly half above: not reported
  report = h.Evaluate();
  for (const auto& d : report.discrepancies()) {
    EXPECT_NE(d.item(), "HOUSING_FUND_BASE");
  }
}

// The housing-fund base is set against the wage figure used person by person
// and month by month (domain.md §4), never against the window's total.
TEST(IncomeTest, HousingFundBaseIsComparedMonthByMonth) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string a = h.AddMember(kAdultBirth);
  const std::string b =
      h.AddMember(absl::CivilDay(1982, 1, 1), hedui::v1::SPOUSE);
  const auto fund = [&h](const std::string& id, absl::CivilMonth month,
                         int64_t base) {
    store::HousingFundRecord* f = h.Person(id)->add_housing_fund();
    f->set_person_id(id);
    *f->mutable_period() = hedui::ToProto(month);
    f->set_deposit_base_fen(base);
  };
  // A, March: tax wage 100,000, base 150,001 (more than half above);
  // April: tax wage 300,000, base 100,000. Over the two months the base
  // (250,001) is below the wages (400,000): a total would hide March.
  h.TaxWage(a, absl::CivilMonth(2026, 3), 100'000);
  fund(a, absl::CivilMonth(2026, 3), 150'001);
  h.TaxWage(a, absl::CivilMonth(2026, 4), 300'000);
  fund(a, absl::CivilMonth(2026, 4), 100'000);
  // A, May: social-insurance base 100,000 (no tax wage) is the figure used;
  // the fund base 150,000 is exactly half above it: not reported.
  h.SocialInsurance(a, absl::CivilMonth(2026, 5), 100'000);
  fund(a, absl::CivilMonth(2026, 5), 150'000);
  // B, March: a fund base and no wage figure at all; B's own month, not
  // set against A's wages.
  fund(b, absl::CivilMonth(2026, 3), 10'000);
  // Outside the window: not compared.
  fund(b, absl::CivilMonth(2026, 11), 900'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS);
  std::vector<std::pair<std::string, std::string>> reported;
  for (const auto& d : report.discrepancies()) {
    ASSERT_EQ(d.item(), "HOUSING_FUND_BASE");
    EXPECT_FALSE(d.changes_outcome());
    reported.emplace_back(d.person_id(), d.explanation());
  }
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[0].first, a);
  EXPECT_NE(reported[0].second.find(
                "2026-03 公积金缴存基数 1,500.01 元，超过该月计入的工资 "
                "1,000.00 元的 1.5 倍"),
            std::string::npos)
      << reported[0].second;
  EXPECT_EQ(reported[1].first, b);
  EXPECT_NE(reported[1].second.find("2026-03 公积金缴存基数 100.00 元，该月无"
                                    "计入的工资"),
            std::string::npos)
      << reported[1].second;
}

// Backdated verification (domain.md §6): data dated after the verification
// date is not stale; the report shows its as-of date as it is, and records
// for months after the look-back window are outside it.
struct BackdatedCase {
  const char* name;
  absl::CivilDay as_of;
  Finding::Result expected;
};

class Backdated : public ::testing::TestWithParam<BackdatedCase> {};

TEST_P(Backdated, DataAfterTheVerificationDateIsFresh) {
  // Verification 2026-11-05, window 2025-11 .. 2026-10; TAX may be 62 days
  // old. Every department as of `as_of`.
  HouseholdBuilder h(hedui::v1::DIBAO, kDay, GetParam().as_of);
  const std::string id = h.AddMember(kAdultBirth);
  // 2026-11 is after the window: 2,000,000 there would fail if counted.
  h.TaxWage(id, absl::CivilMonth(2026, 11), 2'000'000);
  h.TaxWage(id, absl::CivilMonth(2026, 10), 100'000);
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), GetParam().expected) << f->explanation();
  bool shown = false;
  for (const auto& d : report.departments()) {
    if (d.department() != hedui::v1::TAX) continue;
    shown = true;
    EXPECT_EQ(d.as_of().year(), GetParam().as_of.year());
    EXPECT_EQ(d.as_of().month(), GetParam().as_of.month());
    EXPECT_EQ(d.as_of().day(), GetParam().as_of.day());
    EXPECT_EQ(d.state(), GetParam().expected == Finding::UNKNOWN
                             ? hedui::v1::DepartmentData::STALE
                             : hedui::v1::DepartmentData::FRESH);
  }
  EXPECT_TRUE(shown);
  // Data as of the verification date or after never move the window.
  if (GetParam().as_of < kDay) return;
  EXPECT_EQ(report.income().window_first().year(), 2025);
  EXPECT_EQ(report.income().window_first().month(), 11);
  EXPECT_EQ(report.income().window_last().year(), 2026);
  EXPECT_EQ(report.income().window_last().month(), 10);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Backdated,
    ::testing::Values(
        // 62 days old: fresh; 63: stale (the rule before the date).
        BackdatedCase{"SixtyTwoDaysOld", absl::CivilDay(2026, 9, 4),
                      Finding::PASS},
        BackdatedCase{"SixtyThreeDaysOld", absl::CivilDay(2026, 9, 3),
                      Finding::UNKNOWN},
        // Only the October wage counts: 100,000 × 0.9 / 12 = 7,500: pass.
        BackdatedCase{"OnTheDay", kDay, Finding::PASS},
        BackdatedCase{"DayAfter", kDay + 1, Finding::PASS},
        BackdatedCase{"MonthsAfter", absl::CivilDay(2027, 2, 1),
                      Finding::PASS}),
    [](const auto& info) { return std::string(info.param.name); });

// The look-back window ends no later than the last full month covered by
// every fresh income department (domain.md §10.1, "Triggers and dates"): a
// month after a department's as-of date is not known yet, not zero. Data as
// of a month's last day covers that month.
struct WindowEndCase {
  const char* name;
  absl::CivilDay day;
  hedui::v1::Department department;  // as of `as_of`, the others as of `day`
  absl::CivilDay as_of;
  absl::CivilMonth first;
  absl::CivilMonth last;
  const char* said;  // in the INCOME explanation
};

class WindowEnd : public ::testing::TestWithParam<WindowEndCase> {};

TEST_P(WindowEnd, EndsWhereTheIncomeDataEnd) {
  const WindowEndCase& c = GetParam();
  HouseholdBuilder h(hedui::v1::DIBAO, c.day, c.day);
  h.SetAsOf(c.department, c.as_of);
  const std::string id = h.AddMember(kAdultBirth);
  // One pension payment of 2,000,000 in the window's first and in the month
  // before it: the first fails if counted, the other must not count.
  h.Benefit(id, c.first, store::EMPLOYEE_PENSION, 2'000'000);
  h.Benefit(id, c.first - 1, store::EMPLOYEE_PENSION, 50'000);
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = testing::FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::FAIL) << f->explanation();
  EXPECT_EQ(report.income().window_first().year(), c.first.year());
  EXPECT_EQ(report.income().window_first().month(), c.first.month());
  EXPECT_EQ(report.income().window_last().year(), c.last.year());
  EXPECT_EQ(report.income().window_last().month(), c.last.month());
  EXPECT_EQ(report.income().months(), 12);
  // 2,000,000 / 12 = 166,666.66...: the month before the window is out.
  EXPECT_EQ(f->value().shown(), "1,666.6666 元/人·月");
  EXPECT_NE(f->explanation().find(c.said), std::string::npos)
      << f->explanation();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WindowEnd,
    ::testing::Values(
        // Everything as of the 1st of November covers October.
        WindowEndCase{"AllCurrent", absl::CivilDay(2026, 11, 1), hedui::v1::TAX,
                      absl::CivilDay(2026, 11, 1), absl::CivilMonth(2025, 11),
                      absl::CivilMonth(2026, 10),
                      "；核对期间 2025-11 至 2026-10"},
        // As of October's last day: October is covered.
        WindowEndCase{"TaxAsOfTheMonthsLastDay", absl::CivilDay(2026, 11, 1),
                      hedui::v1::TAX, absl::CivilDay(2026, 10, 31),
                      absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                      "；核对期间 2025-11 至 2026-10"},
        // One day earlier: October is not complete, the window moves back.
        WindowEndCase{"TaxAsOfTheDayBefore", absl::CivilDay(2026, 11, 1),
                      hedui::v1::TAX, absl::CivilDay(2026, 10, 30),
                      absl::CivilMonth(2025, 10), absl::CivilMonth(2026, 9),
                      "；核对期间 2025-10 至 2026-09（税务数据截至 "
                      "2026-10-30，2026-10 尚无完整数据，不按无收入计）"},
        WindowEndCase{"SocialInsuranceMidMonth", absl::CivilDay(2026, 11, 20),
                      hedui::v1::SOCIAL_INSURANCE, absl::CivilDay(2026, 10, 15),
                      absl::CivilMonth(2025, 10), absl::CivilMonth(2026, 9),
                      "2026-10 尚无完整数据"},
        // 48 days old, fresh: two months are not known yet.
        WindowEndCase{"BenefitsTwoMonthsBack", absl::CivilDay(2026, 11, 2),
                      hedui::v1::BENEFITS, absl::CivilDay(2026, 9, 15),
                      absl::CivilMonth(2025, 9), absl::CivilMonth(2026, 8),
                      "；核对期间 2025-09 至 2026-08（"
                      "人社待遇/退役军人/民政数据截至 2026-09-15，2026-09 至 "
                      "2026-10 尚无完整数据"},
        // The housing fund only corroborates: it never moves the window.
        WindowEndCase{"HousingFundDoesNotMoveIt", absl::CivilDay(2026, 11, 1),
                      hedui::v1::HOUSING_FUND, absl::CivilDay(2026, 10, 1),
                      absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                      "；核对期间 2025-11 至 2026-10"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(IncomeWindowTest, TheEarliestFreshIncomeDepartmentDecides) {
  const absl::CivilDay day(2026, 11, 20);
  store::RecordSet records;
  const auto as_of = [&records](hedui::v1::Department d, absl::CivilDay on) {
    store::DepartmentAsOf* out = records.add_departments();
    out->set_department(d);
    *out->mutable_as_of() = hedui::ToProto(on);
  };
  as_of(hedui::v1::TAX, absl::CivilDay(2026, 10, 10));              // 09
  as_of(hedui::v1::SOCIAL_INSURANCE, absl::CivilDay(2026, 9, 30));  // 09
  as_of(hedui::v1::BENEFITS, absl::CivilDay(2026, 8, 31));          // 08
  as_of(hedui::v1::HOUSING_FUND, absl::CivilDay(2026, 1, 1));       // none
  const DataFreshness freshness(records, day, nullptr);
  std::vector<WindowLimit> limits;
  const LookBackWindow window = IncomeWindowFrom(day, 12, freshness, &limits);
  EXPECT_EQ(window.first, absl::CivilMonth(2025, 9));
  EXPECT_EQ(window.last, absl::CivilMonth(2026, 8));
  EXPECT_EQ(window.months, 12);
  ASSERT_EQ(limits.size(), 3u);
  EXPECT_EQ(limits[0].department, hedui::v1::TAX);
  EXPECT_EQ(limits[0].last_covered, absl::CivilMonth(2026, 9));
  EXPECT_EQ(limits[2].department, hedui::v1::BENEFITS);
  EXPECT_EQ(limits[2].as_of, absl::CivilDay(2026, 8, 31));
  EXPECT_EQ(limits[2].last_covered, absl::CivilMonth(2026, 8));

  // A missing department moves nothing (income is unknown on its account).
  store::RecordSet tax_only;
  *tax_only.add_departments() = records.departments(0);
  std::vector<WindowLimit> none;
  const LookBackWindow w2 =
      IncomeWindowFrom(day, 12, DataFreshness(tax_only, day, nullptr), &none);
  EXPECT_EQ(w2.last, absl::CivilMonth(2026, 9));
  EXPECT_EQ(none.size(), 1u);
}

// A stale income department makes income unknown; it does not move the
// window the other departments' records are shown for.
TEST(IncomeTest, StaleDepartmentDoesNotMoveTheWindow) {
  HouseholdBuilder h(hedui::v1::DIBAO, absl::CivilDay(2026, 11, 20),
                     absl::CivilDay(2026, 11, 20));
  h.AddMember(kAdultBirth);
  // 63 days before 2026-11-20: stale.
  h.SetAsOf(hedui::v1::TAX, absl::CivilDay(2026, 9, 18));
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::UNKNOWN);
  EXPECT_EQ(report.income().window_last().month(), 10);
}

// Each income record carries the month it is for, so the report can group
// the records by member and month.
TEST(IncomeTest, IncomeRecordsCarryTheirMonth) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), 100'000);
  h.SocialInsurance(id, absl::CivilMonth(2026, 3), 120'000);
  h.Benefit(id, absl::CivilMonth(2026, 4), store::DISABILITY_SUBSIDY, 10'000);
  const hedui::v1::Report report = h.Evaluate();
  ASSERT_EQ(report.income().members_size(), 1);
  int records = 0;
  for (const auto& c : report.income().members(0).categories()) {
    for (const auto& list : {c.records(), c.excluded()}) {
      for (const auto& r : list) {
        ++records;
        EXPECT_EQ(r.period().year(), 2026);
        EXPECT_EQ(r.period().month(),
                  r.department() == hedui::v1::BENEFITS ? 4 : 3);
      }
    }
  }
  EXPECT_EQ(records, 3);
}

}  // namespace
}  // namespace hedui::engine
