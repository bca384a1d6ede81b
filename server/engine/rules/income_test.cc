// Income rule (domain.md §4) at its boundaries. Every expected figure is
// worked out by hand in the comment above its case.
#include "server/engine/rules/income.h"

#include <string>

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

TEST(IncomeTest, UndeclaredIncomeFailsWhateverWasDeclared) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    h.TaxWage(id, m, 300'000);
  }
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::FAIL);
  ASSERT_EQ(report.discrepancies_size(), 1);
  EXPECT_EQ(report.discrepancies(0).item(), "WAGES");
  EXPECT_TRUE(report.discrepancies(0).changes_outcome());
  EXPECT_EQ(report.verdict(), hedui::v1::DOES_NOT_MEET);
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

TEST(IncomeTest, ApplicantWithoutRegistrationHasNoStandard) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.Person(id)->clear_household_registration();
  EXPECT_EQ(ResultOf(h.Evaluate(), Finding::INCOME), Finding::UNKNOWN);
}

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

}  // namespace
}  // namespace hedui::engine
