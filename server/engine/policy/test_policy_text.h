#ifndef HEDUI_SERVER_ENGINE_POLICY_TEST_POLICY_TEXT_H_
#define HEDUI_SERVER_ENGINE_POLICY_TEST_POLICY_TEXT_H_

// Small valid policies for the tests, in pieces that a test can leave out or
// edit: two regions, urban and rural, a raise on 2026-07-01 for 320581 URBAN
// only, one rules period for every region. Comments on the blocks make them
// findable.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hedui::engine::test_policy {

inline constexpr absl::string_view kVersion = "version: \"t-1\"\n";

inline constexpr absl::string_view kRegion1Head =
    "regions {\n"
    "  region_code: \"320581\"\n";
inline constexpr absl::string_view kRegion1UrbanOld =
    "  standards {  # 320581 URBAN old\n"
    "    residence_class: URBAN\n"
    "    effective_from { year: 2026 month: 1 day: 1 }\n"
    "    effective_until { year: 2026 month: 6 day: 30 }\n"
    "    dibao_standard_fen: 88500\n"
    "    tekun_support_fen: 115000\n"
    "    temporary_income_limit_fen_per_year: 3600000\n"
    "  }\n";
inline constexpr absl::string_view kRegion1UrbanNew =
    "  standards {  # 320581 URBAN new\n"
    "    residence_class: URBAN\n"
    "    effective_from { year: 2026 month: 7 day: 1 }\n"
    "    dibao_standard_fen: 93000\n"
    "    tekun_support_fen: 121000\n"
    "    temporary_income_limit_fen_per_year: 3600000\n"
    "  }\n";
inline constexpr absl::string_view kRegion1Rural =
    "  standards {  # 320581 RURAL\n"
    "    residence_class: RURAL\n"
    "    effective_from { year: 2026 month: 1 day: 1 }\n"
    "    dibao_standard_fen: 66000\n"
    "    tekun_support_fen: 86000\n"
    "    temporary_income_limit_fen_per_year: 3600000\n"
    "  }\n";
inline constexpr absl::string_view kRegion2Head =
    "}\n"
    "regions {\n"
    "  region_code: \"320582\"\n";
inline constexpr absl::string_view kRegion2Urban =
    "  standards {  # 320582 URBAN\n"
    "    residence_class: URBAN\n"
    "    effective_from { year: 2026 month: 1 day: 1 }\n"
    "    dibao_standard_fen: 84000\n"
    "    tekun_support_fen: 109000\n"
    "    temporary_income_limit_fen_per_year: 3600000\n"
    "  }\n";
inline constexpr absl::string_view kRegion2Rural =
    "  standards {  # 320582 RURAL\n"
    "    residence_class: RURAL\n"
    "    effective_from { year: 2026 month: 1 day: 1 }\n"
    "    dibao_standard_fen: 62000\n"
    "    tekun_support_fen: 81000\n"
    "    temporary_income_limit_fen_per_year: 3600000\n"
    "  }\n";
inline constexpr absl::string_view kRegion2Tail = "}\n";

// The example county's rules (deploy/policy/example.textproto), from
// 2026-01-01 with no end.
inline constexpr absl::string_view kRules =
    "rules {\n"
    "  effective_from { year: 2026 month: 1 day: 1 }\n"
    "  margin_multiple_percent: 150\n"
    "  union_relative_multiple_percent: 200\n"
    "  financial_asset_multiples { program: DIBAO months: 24 }\n"
    "  financial_asset_multiples { program: TEKUN months: 24 }\n"
    "  financial_asset_multiples { program: LOW_INCOME_MARGIN months: 24 }\n"
    "  financial_asset_multiples { program: MEDICAL months: 24 }\n"
    "  financial_asset_multiples { program: HOUSING months: 24 }\n"
    "  financial_asset_cap_basis: DIBAO_STANDARD_PER_MEMBER\n"
    "  exempt_vehicle_types: [MOTORCYCLE, DISABILITY_VEHICLE, E_BIKE]\n"
    "  excluded_benefit_types: [SPECIAL_CARE_PENSION, SURVIVOR_PENSION,\n"
    "    DISABILITY_SUBSIDY, ASSISTANCE_PAYMENT, RESIDENTS_BASIC_PENSION]\n"
    "  employment_cost_percent: 10\n"
    "  look_back_months: 12\n"
    "  gradual_exit_months: 6\n"
    "  review_months_stable: 12\n"
    "  review_months_irregular: 6\n"
    "  death_recheck_months: 3\n"
    "  consent_validity_months: 12\n"
    "  max_backdating_days: 30\n"
    "  max_data_ages { department: HOUSEHOLD_REGISTRATION max_days: 31 }\n"
    "  max_data_ages { department: MARRIAGE max_days: 31 }\n"
    "  max_data_ages { department: DEATH max_days: 31 }\n"
    "  max_data_ages { department: SOCIAL_INSURANCE max_days: 62 }\n"
    "  max_data_ages { department: BENEFITS max_days: 62 }\n"
    "  max_data_ages { department: TAX max_days: 62 }\n"
    "  max_data_ages { department: HOUSING_FUND max_days: 62 }\n"
    "  max_data_ages { department: REAL_ESTATE max_days: 92 }\n"
    "  max_data_ages { department: VEHICLES max_days: 92 }\n"
    "  max_data_ages { department: BUSINESS max_days: 92 }\n"
    "  max_data_ages { department: FINANCIAL_ASSETS max_days: 31 }\n"
    "  max_data_ages { department: DISABILITY max_days: 92 }\n"
    "  max_data_ages { department: ASSISTANCE_ENROLLMENT max_days: 31 }\n"
    "  housing_area_limit_centi_m2_per_member: 1500\n"
    "  individual_business_capital_limit_fen: 10000000\n"
    "}\n";

// The whole small policy.
inline std::string SmallPolicyText() {
  return absl::StrCat(kVersion, kRegion1Head, kRegion1UrbanOld,
                      kRegion1UrbanNew, kRegion1Rural, kRegion2Head,
                      kRegion2Urban, kRegion2Rural, kRegion2Tail, kRules);
}

}  // namespace hedui::engine::test_policy

#endif  // HEDUI_SERVER_ENGINE_POLICY_TEST_POLICY_TEXT_H_
