#include "server/engine/policy/policy_values.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

constexpr absl::string_view kMaxBackdatingDaysName = "max_backdating_days";

}  // namespace

bool JudgesAssets(hedui::v1::Program program) {
  return std::find(std::begin(kProgramsJudgingAssets),
                   std::end(kProgramsJudgingAssets),
                   program) != std::end(kProgramsJudgingAssets);
}

std::optional<int> PolicyValues::FinancialAssetMonths(
    hedui::v1::Program program) const {
  if (program < 0 || program >= hedui::v1::Program_ARRAYSIZE ||
      financial_asset_months[program] == 0) {
    return std::nullopt;
  }
  return financial_asset_months[program];
}

std::optional<int> PolicyValues::MaxDataAgeDays(
    hedui::v1::Department department) const {
  if (department < 0 || department >= hedui::v1::Department_ARRAYSIZE ||
      max_data_age_days[department] == 0) {
    return std::nullopt;
  }
  return max_data_age_days[department];
}

bool PolicyValues::IsExemptVehicle(hedui::store::v1::VehicleType type) const {
  return std::binary_search(exempt_vehicle_types.begin(),
                            exempt_vehicle_types.end(), type);
}

bool PolicyValues::IsExcludedBenefit(hedui::store::v1::BenefitType type) const {
  return std::binary_search(excluded_benefit_types.begin(),
                            excluded_benefit_types.end(), type);
}

std::string DescribePolicyValues(const PolicyValues& v) {
  std::string out;
  const auto line = [&out](absl::string_view name, const auto& value) {
    absl::StrAppend(&out, name, ": ", value, "\n");
  };
  line("policy_version", v.policy_version);
  line("region_code", v.region_code);
  line("residence_class",
       hedui::store::v1::ResidenceClass_Name(v.residence_class));
  line("effective_from", FormatCivilDay(v.effective_from));
  line("effective_until", v.effective_until.has_value()
                              ? FormatCivilDay(*v.effective_until)
                              : std::string("none"));
  line("standards_effective_from", FormatCivilDay(v.standards_effective_from));
  line("rules_effective_from", FormatCivilDay(v.rules_effective_from));
  line("dibao_standard_fen", v.dibao_standard_fen);
  line("tekun_support_fen", v.tekun_support_fen);
  line("temporary_income_limit_fen_per_year",
       v.temporary_income_limit_fen_per_year);
  line("margin_multiple_percent", v.margin_multiple_percent);
  line("union_relative_multiple_percent", v.union_relative_multiple_percent);
  line("financial_asset_cap_basis",
       hedui::policy::v1::FinancialAssetCapBasis_Name(
           v.financial_asset_cap_basis));
  for (int p = 0; p < hedui::v1::Program_ARRAYSIZE; ++p) {
    if (v.financial_asset_months[p] == 0) continue;
    line(absl::StrCat(
             "financial_asset_months.",
             hedui::v1::Program_Name(static_cast<hedui::v1::Program>(p))),
         v.financial_asset_months[p]);
  }
  line("exempt_vehicle_types",
       absl::StrJoin(v.exempt_vehicle_types, ",",
                     [](std::string* s, hedui::store::v1::VehicleType t) {
                       s->append(hedui::store::v1::VehicleType_Name(t));
                     }));
  line("excluded_benefit_types",
       absl::StrJoin(v.excluded_benefit_types, ",",
                     [](std::string* s, hedui::store::v1::BenefitType t) {
                       s->append(hedui::store::v1::BenefitType_Name(t));
                     }));
  line("employment_cost_percent", v.employment_cost_percent);
  line("look_back_months", v.look_back_months);
  line("gradual_exit_months", v.gradual_exit_months);
  line("review_months_stable", v.review_months_stable);
  line("review_months_irregular", v.review_months_irregular);
  line("death_recheck_months", v.death_recheck_months);
  line("consent_validity_months", v.consent_validity_months);
  for (int d = 0; d < hedui::v1::Department_ARRAYSIZE; ++d) {
    if (v.max_data_age_days[d] == 0) continue;
    line(absl::StrCat(
             "max_data_age_days.",
             hedui::v1::Department_Name(static_cast<hedui::v1::Department>(d))),
         v.max_data_age_days[d]);
  }
  line("housing_area_limit_centi_m2_per_member",
       v.housing_area_limit_centi_m2_per_member);
  line("individual_business_capital_limit_fen",
       v.individual_business_capital_limit_fen);
  line(kMaxBackdatingDaysName, v.max_backdating_days);
  return out;
}

std::vector<std::pair<std::string, std::string>> PolicyParameters(
    const PolicyValues& values) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view line :
       absl::StrSplit(DescribePolicyValues(values), '\n', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(": ", 1));
    // Decides whether a request is accepted, with today's value, not any
    // finding; the period's own value would mislead in a backdated report.
    if (kv.first == kMaxBackdatingDaysName) continue;
    out.emplace_back(std::string(kv.first), std::string(kv.second));
  }
  return out;
}

}  // namespace hedui::engine
