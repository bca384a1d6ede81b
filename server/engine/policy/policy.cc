#include "server/engine/policy/policy.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/engine/policy/policy_error.h"
#include "server/engine/policy/validate_policy.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace pb = hedui::policy::v1;
using hedui::store::v1::ResidenceClass;

// Dates of a validated policy are real calendar days.
absl::CivilDay Day(const hedui::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::optional<absl::CivilDay> Until(bool present, const hedui::v1::Date& date) {
  if (!present) return std::nullopt;
  return Day(date);
}

bool AppliesTo(const pb::Rules& rules, const std::string& region_code) {
  return rules.region_codes().empty() ||
         std::find(rules.region_codes().begin(), rules.region_codes().end(),
                   region_code) != rules.region_codes().end();
}

void CopyRules(const pb::Rules& rules, PolicyValues* v) {
  v->rules_effective_from = Day(rules.effective_from());
  v->margin_multiple_percent = rules.margin_multiple_percent();
  v->union_relative_multiple_percent = rules.union_relative_multiple_percent();
  v->financial_asset_cap_basis = rules.financial_asset_cap_basis();
  for (const pb::AssetMultiple& multiple : rules.financial_asset_multiples()) {
    v->financial_asset_months[multiple.program()] = multiple.months();
  }
  for (const int type : rules.exempt_vehicle_types()) {
    v->exempt_vehicle_types.push_back(
        static_cast<hedui::store::v1::VehicleType>(type));
  }
  std::sort(v->exempt_vehicle_types.begin(), v->exempt_vehicle_types.end());
  for (const int type : rules.excluded_benefit_types()) {
    v->excluded_benefit_types.push_back(
        static_cast<hedui::store::v1::BenefitType>(type));
  }
  std::sort(v->excluded_benefit_types.begin(), v->excluded_benefit_types.end());
  v->employment_cost_percent = rules.employment_cost_percent();
  v->look_back_months = rules.look_back_months();
  v->gradual_exit_months = rules.gradual_exit_months();
  v->review_months_stable = rules.review_months_stable();
  v->review_months_irregular = rules.review_months_irregular();
  v->death_recheck_months = rules.death_recheck_months();
  v->consent_validity_months = rules.consent_validity_months();
  v->max_backdating_days = rules.max_backdating_days();
  for (const pb::MaxDataAge& age : rules.max_data_ages()) {
    v->max_data_age_days[age.department()] = age.max_days();
  }
  v->housing_area_limit_centi_m2_per_member =
      rules.housing_area_limit_centi_m2_per_member();
  v->individual_business_capital_limit_fen =
      rules.individual_business_capital_limit_fen();
}

void CopyStandards(const pb::Standards& standards, PolicyValues* v) {
  v->residence_class = standards.residence_class();
  v->standards_effective_from = Day(standards.effective_from());
  v->dibao_standard_fen = standards.dibao_standard_fen();
  v->tekun_support_fen = standards.tekun_support_fen();
  v->temporary_income_limit_fen_per_year =
      standards.temporary_income_limit_fen_per_year();
}

std::string Describe(const std::optional<absl::CivilDay>& until) {
  return until.has_value() ? FormatCivilDay(*until) : "no end";
}

}  // namespace

absl::StatusOr<Policy> Policy::FromProto(
    pb::Policy proto, absl::string_view file_name,
    const google::protobuf::TextFormat::ParseInfoTree* locations) {
  if (absl::Status status =
          PolicyErrorsToStatus(file_name, ValidatePolicy(proto, locations));
      !status.ok()) {
    return status;
  }
  Policy policy(std::move(proto));
  policy.Index();
  return policy;
}

Policy::Policy(pb::Policy proto) : proto_(std::move(proto)) {}

void Policy::Index() {
  for (const pb::Region& region : proto_.regions()) {
    ClassSegments& by_class = segments_[region.region_code()];
    for (const pb::Standards& standards : region.standards()) {
      const absl::CivilDay s_from = Day(standards.effective_from());
      const std::optional<absl::CivilDay> s_until =
          Until(standards.has_effective_until(), standards.effective_until());
      for (const pb::Rules& rules : proto_.rules()) {
        if (!AppliesTo(rules, region.region_code())) continue;
        const absl::CivilDay r_from = Day(rules.effective_from());
        const std::optional<absl::CivilDay> r_until =
            Until(rules.has_effective_until(), rules.effective_until());
        // The intersection of the two periods, if any.
        const absl::CivilDay from = std::max(s_from, r_from);
        std::optional<absl::CivilDay> until = s_until;
        if (r_until.has_value() && (!until.has_value() || *r_until < *until)) {
          until = r_until;
        }
        if (until.has_value() && *until < from) continue;
        Segment segment{from, until, PolicyValues{}};
        PolicyValues& v = segment.values;
        v.policy_version = proto_.version();
        v.region_code = region.region_code();
        v.effective_from = from;
        v.effective_until = until;
        CopyStandards(standards, &v);
        CopyRules(rules, &v);
        v.parameters = std::make_shared<
            const std::vector<std::pair<std::string, std::string>>>(
            PolicyParameters(v));
        by_class[standards.residence_class()].push_back(std::move(segment));
      }
    }
  }
  for (auto& [code, by_class] : segments_) {
    for (std::vector<Segment>& segments : by_class) {
      std::sort(
          segments.begin(), segments.end(),
          [](const Segment& a, const Segment& b) { return a.from < b.from; });
    }
  }
}

absl::StatusOr<PolicyValues> Policy::ValuesOn(absl::string_view region_code,
                                              ResidenceClass residence_class,
                                              absl::CivilDay day) const {
  if (residence_class == hedui::store::v1::RESIDENCE_CLASS_UNSPECIFIED ||
      !hedui::store::v1::ResidenceClass_IsValid(residence_class)) {
    return absl::InvalidArgumentError(
        absl::StrCat("residence class must be URBAN or RURAL, got ",
                     static_cast<int>(residence_class)));
  }
  const auto it = segments_.find(region_code);
  if (it == segments_.end()) {
    return absl::NotFoundError(
        absl::StrCat("region ", region_code, " is not in policy ", version()));
  }
  const std::string& class_name =
      hedui::store::v1::ResidenceClass_Name(residence_class);
  const std::vector<Segment>& segments = it->second[residence_class];
  if (segments.empty()) {
    return absl::NotFoundError(absl::StrCat("policy ", version(), " has no ",
                                            class_name, " values for region ",
                                            region_code));
  }
  // The last segment starting on or before `day`; segments are contiguous.
  const auto next = std::upper_bound(
      segments.begin(), segments.end(), day,
      [](absl::CivilDay d, const Segment& s) { return d < s.from; });
  if (next == segments.begin() ||
      (std::prev(next)->until.has_value() && *std::prev(next)->until < day)) {
    return absl::FailedPreconditionError(
        absl::StrCat("policy ", version(), " has no values for region ",
                     region_code, " ", class_name, " on ", FormatCivilDay(day),
                     " (it covers ", FormatCivilDay(segments.front().from),
                     " to ", Describe(segments.back().until), ")"));
  }
  return std::prev(next)->values;
}

}  // namespace hedui::engine
