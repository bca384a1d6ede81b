#ifndef HEDUI_SERVER_ENGINE_POLICY_POLICY_VALUES_H_
#define HEDUI_SERVER_ENGINE_POLICY_POLICY_VALUES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/policy/v1/policy.pb.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::engine {

// Programs with a financial-asset cap (domain.md §5); TEMPORARY and
// UNION_HARDSHIP report assets without judging them.
inline constexpr hedui::v1::Program kProgramsJudgingAssets[] = {
    hedui::v1::DIBAO,   hedui::v1::TEKUN,   hedui::v1::LOW_INCOME_MARGIN,
    hedui::v1::MEDICAL, hedui::v1::HOUSING,
};
bool JudgesAssets(hedui::v1::Program program);

// Every policy parameter in force for one region and residence class on one
// day (domain.md §4–§6), as the engine compares with it and the report shows
// it. Money is fen, percentages whole percent, areas 0.01 m².
struct PolicyValues {
  // Where the values come from (domain.md §1 "Reproducible").
  std::string policy_version;
  std::string region_code;
  hedui::store::v1::ResidenceClass residence_class =
      hedui::store::v1::RESIDENCE_CLASS_UNSPECIFIED;
  // The first and last day (inclusive; none: no end) on which exactly these
  // values are in force: the later of the two starts below, the earlier end.
  absl::CivilDay effective_from;
  std::optional<absl::CivilDay> effective_until;
  // Start of the region's standards period and of the rules period used.
  absl::CivilDay standards_effective_from;
  absl::CivilDay rules_effective_from;

  // Region and residence class (Policy.regions.standards).
  int64_t dibao_standard_fen = 0;                   // per person per month
  int64_t tekun_support_fen = 0;                    // per person per month
  int64_t temporary_income_limit_fen_per_year = 0;  // per capita

  // Rules.
  int margin_multiple_percent = 0;          // 150: 1.5 × the 低保 standard
  int union_relative_multiple_percent = 0;  // 200
  hedui::policy::v1::FinancialAssetCapBasis financial_asset_cap_basis =
      hedui::policy::v1::FINANCIAL_ASSET_CAP_BASIS_UNSPECIFIED;
  std::vector<hedui::store::v1::VehicleType> exempt_vehicle_types;    // sorted
  std::vector<hedui::store::v1::BenefitType> excluded_benefit_types;  // sorted
  int employment_cost_percent = 0;
  int look_back_months = 0;
  int gradual_exit_months = 0;
  int review_months_stable = 0;
  int review_months_irregular = 0;
  int death_recheck_months = 0;
  int consent_validity_months = 0;
  // How far back a verification date may lie (domain.md §1). The limit that
  // applies is the one in force today (CheckBeforeRead), not this period's
  // when the date is backdated; so reports do not list it (PolicyParameters).
  int max_backdating_days = 0;
  int64_t housing_area_limit_centi_m2_per_member = 0;
  int64_t individual_business_capital_limit_fen = 0;
  // Indexed by enum number; read them through the functions below.
  std::array<int, hedui::v1::Program_ARRAYSIZE> financial_asset_months{};
  std::array<int, hedui::v1::Department_ARRAYSIZE> max_data_age_days{};

  // DescribePolicyValues as (name, value) pairs, made once when the policy
  // is indexed: every report lists them.
  std::shared_ptr<const std::vector<std::pair<std::string, std::string>>>
      parameters;

  // Months of the cap basis a program's financial assets per capita may
  // reach; nullopt for a program that does not judge assets.
  std::optional<int> FinancialAssetMonths(hedui::v1::Program program) const;
  // Maximum data age in days (age equal to it is fresh); nullopt for an
  // unknown department.
  std::optional<int> MaxDataAgeDays(hedui::v1::Department department) const;
  bool IsExemptVehicle(hedui::store::v1::VehicleType type) const;
  bool IsExcludedBenefit(hedui::store::v1::BenefitType type) const;
};

// Every field as "name: value", one a line, in a fixed order: for logs and
// for comparing two lookups.
std::string DescribePolicyValues(const PolicyValues& values);
// The same as (name, value) pairs.
std::vector<std::pair<std::string, std::string>> PolicyParameters(
    const PolicyValues& values);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_POLICY_VALUES_H_
