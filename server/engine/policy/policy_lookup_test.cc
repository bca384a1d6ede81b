// Policy::ValuesOn: the values in force on a day, and clear errors when none
// are.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"
#include "server/engine/policy/test_policy_text.h"

namespace hedui::engine {
namespace {

using ::hedui::store::v1::RURAL;
using ::hedui::store::v1::URBAN;
using ::testing::AllOf;
using ::testing::HasSubstr;

Policy MustLoad(const std::string& text) {
  absl::StatusOr<Policy> policy = LoadPolicyText(text, "test.textproto");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *std::move(policy);
}

struct DayCase {
  std::string region;
  hedui::store::v1::ResidenceClass residence_class;
  absl::CivilDay day;
  int64_t dibao_standard_fen;
  absl::CivilDay effective_from;
};

TEST(PolicyLookupTest, StandardInForceOnTheDay) {
  const Policy policy = MustLoad(test_policy::SmallPolicyText());
  const DayCase cases[] = {
      {"320581", URBAN, absl::CivilDay(2026, 1, 1), 88500,
       absl::CivilDay(2026, 1, 1)},
      {"320581", URBAN, absl::CivilDay(2026, 6, 30), 88500,
       absl::CivilDay(2026, 1, 1)},
      {"320581", URBAN, absl::CivilDay(2026, 7, 1), 93000,
       absl::CivilDay(2026, 7, 1)},
      {"320581", URBAN, absl::CivilDay(2030, 1, 1), 93000,
       absl::CivilDay(2026, 7, 1)},
      {"320581", RURAL, absl::CivilDay(2026, 7, 1), 66000,
       absl::CivilDay(2026, 1, 1)},
      {"320582", URBAN, absl::CivilDay(2026, 7, 1), 84000,
       absl::CivilDay(2026, 1, 1)},
      {"320582", RURAL, absl::CivilDay(2026, 11, 3), 62000,
       absl::CivilDay(2026, 1, 1)},
  };
  for (const DayCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.region, " ", c.residence_class, " ",
                              absl::FormatCivilTime(c.day)));
    const absl::StatusOr<PolicyValues> values =
        policy.ValuesOn(c.region, c.residence_class, c.day);
    ASSERT_TRUE(values.ok()) << values.status();
    EXPECT_EQ(values->dibao_standard_fen, c.dibao_standard_fen);
    EXPECT_EQ(values->effective_from, c.effective_from);
    EXPECT_EQ(values->region_code, c.region);
    EXPECT_EQ(values->residence_class, c.residence_class);
    EXPECT_EQ(values->policy_version, "t-1");
  }
}

TEST(PolicyLookupTest, UnknownRegionIsNotFound) {
  const Policy policy = MustLoad(test_policy::SmallPolicyText());
  const absl::StatusOr<PolicyValues> values =
      policy.ValuesOn("320583", URBAN, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(values.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(values.status().message(),
              AllOf(HasSubstr("region 320583"), HasSubstr("t-1")));
}

TEST(PolicyLookupTest, DayBeforeThePolicyIsFailedPrecondition) {
  const Policy policy = MustLoad(test_policy::SmallPolicyText());
  const absl::StatusOr<PolicyValues> values =
      policy.ValuesOn("320581", RURAL, absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(values.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(values.status().message(),
            "policy t-1 has no values for region 320581 RURAL on 2025-12-31 "
            "(it covers 2026-01-01 to no end)");
}

TEST(PolicyLookupTest, UnspecifiedClassIsInvalid) {
  const Policy policy = MustLoad(test_policy::SmallPolicyText());
  EXPECT_EQ(
      policy
          .ValuesOn("320581", hedui::store::v1::RESIDENCE_CLASS_UNSPECIFIED,
                    absl::CivilDay(2026, 7, 1))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

// One region, urban only, everything ending on 2026-06-30.
std::string EndingUrbanOnlyPolicy() {
  return absl::StrCat(
      test_policy::kVersion, test_policy::kRegion1Head,
      test_policy::kRegion1UrbanOld, "}\n",
      absl::StrReplaceAll(test_policy::kRules,
                          {{"rules {\n",
                            "rules {\n  effective_until { year: 2026 month: 6 "
                            "day: 30 }\n"}}));
}

TEST(PolicyLookupTest, DayAfterTheLastPeriodIsFailedPrecondition) {
  const Policy policy = MustLoad(EndingUrbanOnlyPolicy());
  EXPECT_TRUE(
      policy.ValuesOn("320581", URBAN, absl::CivilDay(2026, 6, 30)).ok());
  const absl::StatusOr<PolicyValues> values =
      policy.ValuesOn("320581", URBAN, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(values.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(values.status().message(),
              AllOf(HasSubstr("region 320581 URBAN on 2026-07-01"),
                    HasSubstr("covers 2026-01-01 to 2026-06-30")));
}

TEST(PolicyLookupTest, ClassNoRegionHasIsNotFound) {
  const Policy policy = MustLoad(EndingUrbanOnlyPolicy());
  const absl::StatusOr<PolicyValues> values =
      policy.ValuesOn("320581", RURAL, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(values.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(values.status().message(),
              HasSubstr("no RURAL values for region 320581"));
}

// Shared rules until 2026-03-31, then one period per region; 320581 raises
// the employment-cost share to 20%.
std::string RegionRulesPolicy() {
  const std::string until_march = absl::StrReplaceAll(
      test_policy::kRules,
      {{"rules {\n",
        "rules {\n  effective_until { year: 2026 month: 3 day: 31 }\n"}});
  const auto from_april = [](absl::string_view region, int cost) {
    return absl::StrReplaceAll(
        test_policy::kRules,
        {{"rules {\n",
          absl::StrCat("rules {\n  region_codes: \"", region, "\"\n")},
         {"month: 1 day: 1", "month: 4 day: 1"},
         {"employment_cost_percent: 10",
          absl::StrCat("employment_cost_percent: ", cost)}});
  };
  std::string text = test_policy::SmallPolicyText();
  text.resize(text.size() - test_policy::kRules.size());
  return absl::StrCat(text, until_march, from_april("320581", 20),
                      from_april("320582", 10));
}

TEST(PolicyLookupTest, RulesOfOneRegionChangeWithinAStandardsPeriod) {
  const Policy policy = MustLoad(RegionRulesPolicy());
  const absl::StatusOr<PolicyValues> march =
      policy.ValuesOn("320581", URBAN, absl::CivilDay(2026, 3, 31));
  const absl::StatusOr<PolicyValues> april =
      policy.ValuesOn("320581", URBAN, absl::CivilDay(2026, 4, 1));
  const absl::StatusOr<PolicyValues> other =
      policy.ValuesOn("320582", URBAN, absl::CivilDay(2026, 4, 1));
  ASSERT_TRUE(march.ok() && april.ok() && other.ok());
  EXPECT_EQ(march->employment_cost_percent, 10);
  EXPECT_EQ(march->effective_from, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(march->effective_until, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(april->employment_cost_percent, 20);
  EXPECT_EQ(april->effective_from, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(april->effective_until, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(april->standards_effective_from, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(april->rules_effective_from, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(april->dibao_standard_fen, 88500);
  EXPECT_EQ(other->employment_cost_percent, 10);
}

TEST(PolicyLookupTest, ListsAndTablesAnswerByEnum) {
  const Policy policy = MustLoad(test_policy::SmallPolicyText());
  const absl::StatusOr<PolicyValues> v =
      policy.ValuesOn("320582", RURAL, absl::CivilDay(2026, 11, 3));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->FinancialAssetMonths(hedui::v1::HOUSING), 24);
  EXPECT_EQ(v->FinancialAssetMonths(hedui::v1::TEMPORARY), std::nullopt);
  EXPECT_EQ(v->FinancialAssetMonths(hedui::v1::UNION_HARDSHIP), std::nullopt);
  EXPECT_EQ(v->MaxDataAgeDays(hedui::v1::VEHICLES), 92);
  EXPECT_EQ(v->MaxDataAgeDays(hedui::v1::DEPARTMENT_UNSPECIFIED), std::nullopt);
  EXPECT_TRUE(v->IsExemptVehicle(hedui::store::v1::E_BIKE));
  EXPECT_FALSE(v->IsExemptVehicle(hedui::store::v1::CAR));
  EXPECT_TRUE(v->IsExcludedBenefit(hedui::store::v1::RESIDENTS_BASIC_PENSION));
  EXPECT_FALSE(v->IsExcludedBenefit(hedui::store::v1::EMPLOYEE_PENSION));
}

}  // namespace
}  // namespace hedui::engine
