// deploy/policy/example.textproto loads and carries exactly the example
// county's values of tests/datagen/example_policy.h (which the synthetic
// county's labels are built from), on every day, around both raises.

#include "tests/datagen/example_policy.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/engine/policy/policy.h"
#include "server/engine/policy/policy_loader.h"

namespace hedui::engine {
namespace {

namespace datagen = ::hedui::datagen;
using ::hedui::store::v1::ResidenceClass;
using ::hedui::store::v1::RURAL;
using ::hedui::store::v1::URBAN;

const std::string& ExamplePath() {
  static const std::string* path =
      new std::string(HEDUI_SOURCE_DIR "/deploy/policy/example.textproto");
  return *path;
}

Policy LoadExample() {
  absl::StatusOr<Policy> policy = LoadPolicyFile(ExamplePath());
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *std::move(policy);
}

// The first day of the example's periods.
constexpr absl::CivilDay kStart(2025, 1, 1);

TEST(ExamplePolicyTest, Loads) {
  const Policy policy = LoadExample();
  EXPECT_EQ(policy.version(), "example-2026.2");
  EXPECT_EQ(policy.proto().regions_size(), 2);
}

// Each region and class on the day before its raise, the day of it and the
// day after (domain.md §6: from its effective date on).
TEST(ExamplePolicyTest, RaiseAppliesFromItsEffectiveDate) {
  const Policy policy = LoadExample();
  for (const datagen::RegionStandards& r : datagen::kRegionStandards) {
    struct ClassCase {
      ResidenceClass residence_class;
      datagen::DatedAmount dibao;
      datagen::DatedAmount tekun;
    };
    const ClassCase classes[] = {{URBAN, r.dibao_urban, r.tekun_urban},
                                 {RURAL, r.dibao_rural, r.tekun_rural}};
    for (const ClassCase& c : classes) {
      const absl::CivilDay raise(c.dibao.from_year, c.dibao.from_month,
                                 c.dibao.from_day);
      struct DayCase {
        absl::CivilDay day;
        int64_t dibao;
        int64_t tekun;
        absl::CivilDay effective_from;
      };
      const DayCase days[] = {
          {raise - 1, c.dibao.before_fen, c.tekun.before_fen, kStart},
          {raise, c.dibao.from_fen, c.tekun.from_fen, raise},
          {raise + 1, c.dibao.from_fen, c.tekun.from_fen, raise},
      };
      for (const DayCase& d : days) {
        SCOPED_TRACE(absl::StrCat(std::string(r.region), " ", c.residence_class,
                                  " ", absl::FormatCivilTime(d.day)));
        const absl::StatusOr<PolicyValues> v =
            policy.ValuesOn(r.region, c.residence_class, d.day);
        ASSERT_TRUE(v.ok()) << v.status();
        EXPECT_EQ(v->dibao_standard_fen, d.dibao);
        EXPECT_EQ(v->tekun_support_fen, d.tekun);
        EXPECT_EQ(v->effective_from, d.effective_from);
        EXPECT_EQ(v->standards_effective_from, d.effective_from);
        EXPECT_EQ(v->policy_version, "example-2026.2");
      }
    }
  }
}

// Every day of 2025-2027, both regions, both classes, every value.
TEST(ExamplePolicyTest, SameValuesAsTheGeneratorOnEveryDay) {
  const Policy policy = LoadExample();
  for (absl::CivilDay day = kStart; day < absl::CivilDay(2028, 1, 1); ++day) {
    for (const datagen::RegionStandards& r : datagen::kRegionStandards) {
      for (const ResidenceClass rc : {URBAN, RURAL}) {
        const absl::StatusOr<PolicyValues> v =
            policy.ValuesOn(r.region, rc, day);
        ASSERT_TRUE(v.ok()) << v.status();
        const bool urban = rc == URBAN;
        ASSERT_EQ(v->dibao_standard_fen,
                  datagen::DibaoStandardFen(r.region, urban, day))
            << r.region << " " << rc << " " << day;
        ASSERT_EQ(v->tekun_support_fen,
                  (urban ? r.tekun_urban : r.tekun_rural).On(day))
            << r.region << " " << rc << " " << day;
        ASSERT_EQ(v->temporary_income_limit_fen_per_year,
                  datagen::kTemporaryAnnualIncomeFen);
        ASSERT_EQ(v->margin_multiple_percent, datagen::kMarginMultiplePercent);
        ASSERT_EQ(v->union_relative_multiple_percent,
                  datagen::kUnionRelativeMultiple * 100);
        ASSERT_EQ(v->employment_cost_percent, datagen::kEmploymentCostPercent);
        ASSERT_EQ(v->look_back_months, datagen::kLookBackMonths);
        ASSERT_EQ(v->consent_validity_months, datagen::kConsentValidityMonths);
        ASSERT_EQ(v->individual_business_capital_limit_fen,
                  datagen::kIndividualBusinessCapitalLimitFen);
        ASSERT_EQ(v->housing_area_limit_centi_m2_per_member,
                  datagen::kHousingAreaLimitCentiM2PerMember);
        ASSERT_EQ(
            v->IsExcludedBenefit(hedui::store::v1::RESIDENTS_BASIC_PENSION),
            datagen::kResidentsBasicPensionExcluded);
      }
    }
  }
}

// The values example_policy.h does not date, and domain.md §5–§6's others.
TEST(ExamplePolicyTest, RulesAsInTheDomain) {
  const Policy policy = LoadExample();
  const absl::StatusOr<PolicyValues> v = policy.ValuesOn(
      datagen::kRegionZhangjiagang, RURAL, absl::CivilDay(2026, 11, 3));
  ASSERT_TRUE(v.ok()) << v.status();
  for (const datagen::MaxDataAge& age : datagen::kMaxDataAge) {
    EXPECT_EQ(v->MaxDataAgeDays(age.department), age.days)
        << hedui::v1::Department_Name(age.department);
  }
  for (const hedui::v1::Program program : kProgramsJudgingAssets) {
    EXPECT_EQ(v->FinancialAssetMonths(program),
              datagen::kFinancialAssetsMultiple)
        << hedui::v1::Program_Name(program);
  }
  EXPECT_EQ(v->financial_asset_cap_basis,
            hedui::policy::v1::DIBAO_STANDARD_PER_MEMBER);
  using hedui::store::v1::BenefitType;
  using hedui::store::v1::VehicleType;
  EXPECT_EQ(v->exempt_vehicle_types,
            (std::vector<VehicleType>{hedui::store::v1::MOTORCYCLE,
                                      hedui::store::v1::DISABILITY_VEHICLE,
                                      hedui::store::v1::E_BIKE}));
  EXPECT_EQ(v->excluded_benefit_types,
            (std::vector<BenefitType>{hedui::store::v1::RESIDENTS_BASIC_PENSION,
                                      hedui::store::v1::SPECIAL_CARE_PENSION,
                                      hedui::store::v1::SURVIVOR_PENSION,
                                      hedui::store::v1::DISABILITY_SUBSIDY,
                                      hedui::store::v1::ASSISTANCE_PAYMENT}));
  EXPECT_EQ(v->gradual_exit_months, 6);
  EXPECT_EQ(v->review_months_stable, 12);
  EXPECT_EQ(v->review_months_irregular, 6);
  EXPECT_EQ(v->death_recheck_months, 3);
  // domain.md §1: "no further back than ... (example: 30 days)".
  EXPECT_EQ(v->max_backdating_days, 30);
}

TEST(ExamplePolicyTest, NothingBeforeItsFirstDay) {
  const Policy policy = LoadExample();
  const absl::StatusOr<PolicyValues> v = policy.ValuesOn(
      datagen::kRegionChangshu, URBAN, absl::CivilDay(2024, 12, 31));
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
}

// Two loads give the same proto bytes and the same values on every day.
TEST(ExamplePolicyTest, Deterministic) {
  const Policy first = LoadExample();
  const Policy second = LoadExample();
  std::string first_bytes;
  std::string second_bytes;
  ASSERT_TRUE(first.proto().SerializeToString(&first_bytes));
  ASSERT_TRUE(second.proto().SerializeToString(&second_bytes));
  EXPECT_EQ(first_bytes, second_bytes);
  for (absl::CivilDay day = kStart; day < absl::CivilDay(2027, 1, 1);
       day += 7) {
    for (const datagen::RegionStandards& r : datagen::kRegionStandards) {
      for (const ResidenceClass rc : {URBAN, RURAL}) {
        ASSERT_EQ(DescribePolicyValues(*first.ValuesOn(r.region, rc, day)),
                  DescribePolicyValues(*second.ValuesOn(r.region, rc, day)));
      }
    }
  }
}

TEST(ExamplePolicyTest, DescribesEveryValue) {
  const Policy policy = LoadExample();
  const std::string text = DescribePolicyValues(*policy.ValuesOn(
      datagen::kRegionChangshu, URBAN, absl::CivilDay(2026, 7, 1)));
  EXPECT_EQ(text.substr(0, text.find("temporary")),
            "policy_version: example-2026.2\n"
            "region_code: 320581\n"
            "residence_class: URBAN\n"
            "effective_from: 2026-07-01\n"
            "effective_until: none\n"
            "standards_effective_from: 2026-07-01\n"
            "rules_effective_from: 2025-01-01\n"
            "dibao_standard_fen: 93000\n"
            "tekun_support_fen: 121000\n");
}

}  // namespace
}  // namespace hedui::engine
