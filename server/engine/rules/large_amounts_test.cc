// Stored records are never refused for their size and are summed without
// overflow (issue 14, defects 5 and 11): records near INT64_MAX, whose int64
// sums wrapped negative and flipped verdicts, give the verdict the true
// (huge) sums give. Each expected result follows from domain.md alone: a
// household holding more than 2^63 fen of anything is far above every line.
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "server/engine/testing/household_builder.h"

namespace hedui::engine {
namespace {

using hedui::v1::Finding;
using testing::FindingOf;
using testing::HouseholdBuilder;
using testing::ResultOf;
namespace store = hedui::store::v1;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
// Two of these add up to 2^63 + 2: one past INT64_MAX.
constexpr int64_t kHalfPlus = kMax / 2 + 2;

const absl::CivilDay kDay(2026, 11, 5);  // window 2025-11 .. 2026-10
const absl::CivilDay kAdultBirth(1980, 5, 5);

TEST(LargeAmountsTest, WagesAboveInt64FailTheIncomeTest) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), kHalfPlus);
  h.TaxWage(id, absl::CivilMonth(2026, 4), kHalfPlus);
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::FAIL) << f->explanation();
  EXPECT_EQ(report.verdict(), hedui::v1::DOES_NOT_MEET);
  // Shown exactly; the proto's int64 fraction saturates, never wraps.
  EXPECT_EQ(f->value().shown().find('-'), std::string::npos)
      << f->value().shown();
  EXPECT_GT(f->value().numerator(), 0);
  EXPECT_GT(report.income().household_monthly().numerator(), 0);
}

TEST(LargeAmountsTest, EveryIncomeSourceSumsWithoutWrapping) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  const std::string spouse =
      h.AddMember(absl::CivilDay(1982, 1, 1), hedui::v1::SPOUSE);
  // Per person and category, two records each below INT64_MAX whose sum is
  // above: social-insurance wages, pensions, business income.
  for (const absl::CivilMonth month :
       {absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 2)}) {
    h.SocialInsurance(id, month, kHalfPlus);
    h.Benefit(spouse, month, store::EMPLOYEE_PENSION, kHalfPlus);
    h.TaxWage(spouse, month, kHalfPlus, store::BUSINESS_INCOME);
  }
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::FAIL)
      << FindingOf(report, Finding::INCOME)->explanation();
}

TEST(LargeAmountsTest, HousingFundCorroborationComparesExactly) {
  // fund × 2 > wages × 3 overflowed int64 and hid the discrepancy.
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.TaxWage(id, absl::CivilMonth(2026, 3), 100'000);
  store::HousingFundRecord* f = h.Person(id)->add_housing_fund();
  f->set_person_id(id);
  *f->mutable_period() = hedui::ToProto(absl::CivilMonth(2026, 3));
  f->set_deposit_base_fen(kHalfPlus);
  const hedui::v1::Report report = h.Evaluate();
  bool reported = false;
  for (const auto& d : report.discrepancies()) {
    reported |= d.item() == "HOUSING_FUND_BASE";
  }
  EXPECT_TRUE(reported);
}

void AddBalance(HouseholdBuilder& h, const std::string& id,
                const std::string& account, int64_t fen) {
  store::FinancialAssetRecord* r = h.Person(id)->add_financial_assets();
  r->set_person_id(id);
  r->set_institution("银行A");
  r->set_account(account);
  r->set_asset_type(store::DEPOSIT);
  r->set_balance_fen(fen);
  *r->mutable_balance_date() = hedui::ToProto(absl::CivilDay(2026, 11, 1));
}

TEST(LargeAmountsTest, FinancialAssetsAboveInt64FailTheCap) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  AddBalance(h, id, "A-1", kMax);
  AddBalance(h, id, "A-2", kMax);
  AddBalance(h, id, "A-3", 2);  // 3 × 2^63 − 1 ≡ 1 mod 2^64 in int64
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = FindingOf(report, Finding::FINANCIAL_ASSETS);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::FAIL) << f->explanation();
  EXPECT_GT(report.assets().financial_assets().numerator(), 0);
}

// Declared per person (issue 15): the records above int64 still prevail over
// a member's declaration at the request limit (10^12 fen); the discrepancy
// shows the records' sum without wrapping negative.
TEST(LargeAmountsTest, RecordsAboveInt64PrevailOverAMembersDeclaration) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  AddBalance(h, id, "A-1", kMax);
  AddBalance(h, id, "A-2", kMax);
  h.Member(id)->mutable_declared_assets()->set_financial_assets_fen(
      1'000'000'000'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::FINANCIAL_ASSETS), Finding::FAIL);
  ASSERT_EQ(report.discrepancies_size(), 1);
  const hedui::v1::Discrepancy& d = report.discrepancies(0);
  EXPECT_EQ(d.person_id(), id);
  EXPECT_FALSE(d.changes_outcome());
  EXPECT_GT(d.found().numerator(), 0);
  EXPECT_EQ(d.found().shown().find('-'), std::string::npos)
      << d.found().shown();
  EXPECT_NE(d.explanation().find("少于"), std::string::npos) << d.explanation();
}

// The other side: every member declaring the request limit while the records
// show nothing; the declarations add up exactly and would fail the cap.
TEST(LargeAmountsTest, MembersDeclaringTheRequestLimitNeedReview) {
  HouseholdBuilder h(hedui::v1::DIBAO, kDay);
  const std::string head = h.AddMember(kAdultBirth);
  const std::string spouse =
      h.AddMember(absl::CivilDay(1982, 1, 1), hedui::v1::SPOUSE);
  for (const std::string& id : {head, spouse}) {
    h.Member(id)->mutable_declared_assets()->set_financial_assets_fen(
        1'000'000'000'000);
  }
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::FINANCIAL_ASSETS), Finding::REVIEW)
      << FindingOf(report, Finding::FINANCIAL_ASSETS)->explanation();
  ASSERT_EQ(report.discrepancies_size(), 2);
  for (const auto& d : report.discrepancies()) {
    EXPECT_TRUE(d.changes_outcome()) << d.explanation();
  }
  EXPECT_EQ(report.verdict(), hedui::v1::NEEDS_REVIEW);
}

TEST(LargeAmountsTest, HugeFloorAreaByShareFailsHousingNeed) {
  // area × share overflowed int64 before the sum did.
  HouseholdBuilder h(hedui::v1::HOUSING, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  store::RealEstateRecord* r = h.Person(id)->add_real_estate();
  r->set_person_id(id);
  r->set_property_id("P-1");
  r->set_use(store::RESIDENTIAL);
  r->set_area_centi_m2(kMax / 1000);
  r->set_share_per_10000(10000);
  *r->mutable_acquired() = hedui::ToProto(absl::CivilDay(2010, 1, 1));
  const hedui::v1::Report report = h.Evaluate();
  const Finding* f = FindingOf(report, Finding::HOUSING_NEED);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->result(), Finding::FAIL) << f->explanation();
}

// Defect 11: medical + education wrapped to a negative rigid spending and
// turned a deep-hardship household into none. Validation now refuses such
// amounts (request_limits.h); the engine's figure is exact regardless.
TEST(LargeAmountsTest, RigidSpendingSumsWithoutWrapping) {
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  // 500,000 a month: far above 2 × the standard without rigid spending.
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   500'000);
  h.request().mutable_rigid_spending()->set_medical_fen(kMax);
  h.request().mutable_rigid_spending()->set_education_fen(kMax);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(ResultOf(report, Finding::INCOME), Finding::PASS)
      << FindingOf(report, Finding::INCOME)->explanation();
  EXPECT_EQ(report.union_tier(), hedui::v1::DEEP);
}

TEST(LargeAmountsTest, RigidSpendingAtTheRequestLimit) {
  // 10^12 + 10^12 a year leaves (6,000,000 − 2 × 10^12) / 12: deep.
  HouseholdBuilder h(hedui::v1::UNION_HARDSHIP, kDay);
  const std::string id = h.AddMember(kAdultBirth);
  h.MonthlyPension(id, absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 10),
                   500'000);
  h.request().mutable_rigid_spending()->set_medical_fen(1'000'000'000'000);
  h.request().mutable_rigid_spending()->set_education_fen(1'000'000'000'000);
  const hedui::v1::Report report = h.Evaluate();
  EXPECT_EQ(report.union_tier(), hedui::v1::DEEP);
  const Finding* f = FindingOf(report, Finding::INCOME);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->explanation().find("减申报刚性支出 20,000,000,000.00 元"),
            std::string::npos)
      << f->explanation();
}

}  // namespace
}  // namespace hedui::engine
