#include "server/engine/policy/validate_values.h"

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/policy/policy_values.h"

namespace hedui::engine {
namespace {

namespace pb = hedui::policy::v1;
using hedui::store::v1::BenefitType;

// Upper bounds far above any real value: they catch a misplaced digit and
// keep the engine's exact integer cross-multiplications (amount × months ×
// members × 100 × percent, domain.md §4) far from int64 overflow.
constexpr int64_t kMaxMonthlyFen = 10'000'000;      // 100,000 CNY
constexpr int64_t kMaxAnnualFen = 120'000'000;      // 1,200,000 CNY
constexpr int64_t kMaxCapitalFen = 10'000'000'000;  // 100,000,000 CNY
constexpr int64_t kMaxAreaCentiM2 = 1'000'000;      // 10,000 m²
constexpr int kMaxPercent = 1000;
constexpr int kMaxMonths = 120;
constexpr int kMaxAssetMonths = 600;
constexpr int kMaxDays = 3660;
// A year: a backdated check judges consent and adulthood on an old date, so a
// longer reach would let an expired consent cover today's reads.
constexpr int kMaxBackdatingDays = 366;

// Benefits the law says are not income (domain.md §4): a policy may not count
// them. The residents' basic pension is the configurable one.
constexpr BenefitType kAlwaysExcluded[] = {
    hedui::store::v1::SPECIAL_CARE_PENSION,
    hedui::store::v1::SURVIVOR_PENSION,
    hedui::store::v1::DISABILITY_SUBSIDY,
    hedui::store::v1::ASSISTANCE_PAYMENT,
};
// Transfer income (domain.md §4): a policy may not exclude it.
constexpr BenefitType kAlwaysIncome[] = {
    hedui::store::v1::EMPLOYEE_PENSION,
    hedui::store::v1::UNEMPLOYMENT_BENEFIT,
};

// A required number within [min, max]; `meaning` says what it is, for the
// person fixing it.
void CheckRange(const PolicyNode& node, absl::string_view field, bool present,
                int64_t value, int64_t min, int64_t max,
                absl::string_view meaning, std::vector<PolicyError>* errors) {
  if (!present) {
    errors->push_back(
        node.Error(field, -1, absl::StrCat("required: ", meaning)));
  } else if (value < min) {
    errors->push_back(node.Error(
        field, -1,
        min == 1
            ? absl::StrCat("must be positive, got ", value, " (", meaning, ")")
            : absl::StrCat("must be at least ", min, ", got ", value, " (",
                           meaning, ")")));
  } else if (value > max) {
    errors->push_back(node.Error(field, -1,
                                 absl::StrCat("must be at most ", max, ", got ",
                                              value, " (", meaning, ")")));
  }
}

std::string Names(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) names.push_back(type->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

// " (first at line N)" for a value listed twice.
std::string FirstAt(int line) {
  return line > 0 ? absl::StrCat(" (first at line ", line, ")") : "";
}

// Repeated enum values: each known, none twice. Returns the values seen, with
// the line each was first written on.
template <typename Repeated>
std::map<int, int> CheckEnumList(const PolicyNode& node,
                                 absl::string_view field,
                                 const Repeated& values,
                                 const google::protobuf::EnumDescriptor* type,
                                 std::vector<PolicyError>* errors) {
  std::map<int, int> seen;
  for (int i = 0; i < values.size(); ++i) {
    const int value = values.Get(i);
    if (!CheckEnum(node, field, i, value, type, errors)) continue;
    const PolicyError here = node.Error(field, i, "");
    const auto [it, inserted] = seen.emplace(value, here.line);
    if (!inserted) {
      errors->push_back(
          node.Error(field, i,
                     absl::StrCat(type->FindValueByNumber(value)->name(),
                                  " is listed twice", FirstAt(it->second))));
    }
  }
  return seen;
}

void CheckAssetMultiples(const pb::Rules& rules, const PolicyNode& node,
                         std::vector<PolicyError>* errors) {
  std::map<int, int> seen;  // program -> line first written
  for (int i = 0; i < rules.financial_asset_multiples_size(); ++i) {
    const pb::AssetMultiple& multiple = rules.financial_asset_multiples(i);
    const PolicyNode child = node.Child("financial_asset_multiples", i);
    CheckRange(child, "months", multiple.has_months(), multiple.months(), 1,
               kMaxAssetMonths,
               "financial assets per capita at most this many months of the "
               "低保 standard",
               errors);
    if (!CheckEnum(child, "program", -1, multiple.program(),
                   hedui::v1::Program_descriptor(), errors)) {
      continue;
    }
    const std::string& name = hedui::v1::Program_Name(multiple.program());
    if (!JudgesAssets(multiple.program())) {
      errors->push_back(child.Error(
          "program", -1,
          absl::StrCat(name,
                       " does not judge assets (domain.md §5: its assets are "
                       "reported, not judged); remove this entry")));
      continue;
    }
    const auto [it, inserted] = seen.emplace(multiple.program(), child.line());
    if (!inserted) {
      errors->push_back(child.Error(
          "program", -1,
          absl::StrCat(name, " is listed twice", FirstAt(it->second))));
    }
  }
  for (const hedui::v1::Program program : kProgramsJudgingAssets) {
    if (seen.count(program) == 0) {
      errors->push_back(node.Error(
          "financial_asset_multiples", -1,
          absl::StrCat("missing ", hedui::v1::Program_Name(program),
                       ": every program that judges assets needs its cap "
                       "(domain.md §5)")));
    }
  }
}

void CheckExcludedBenefits(const pb::Rules& rules, const PolicyNode& node,
                           std::vector<PolicyError>* errors) {
  const std::map<int, int> seen = CheckEnumList(
      node, "excluded_benefit_types", rules.excluded_benefit_types(),
      hedui::store::v1::BenefitType_descriptor(), errors);
  for (const BenefitType type : kAlwaysExcluded) {
    if (seen.count(type) == 0) {
      errors->push_back(node.Error(
          "excluded_benefit_types", -1,
          absl::StrCat("missing ", hedui::store::v1::BenefitType_Name(type),
                       ": it is not income by law (domain.md §4)")));
    }
  }
  for (int i = 0; i < rules.excluded_benefit_types_size(); ++i) {
    for (const BenefitType type : kAlwaysIncome) {
      if (rules.excluded_benefit_types(i) == type) {
        errors->push_back(node.Error(
            "excluded_benefit_types", i,
            absl::StrCat(hedui::store::v1::BenefitType_Name(type),
                         " is transfer income (domain.md §4) and may not be "
                         "excluded")));
      }
    }
  }
}

void CheckMaxDataAges(const pb::Rules& rules, const PolicyNode& node,
                      std::vector<PolicyError>* errors) {
  std::map<int, int> seen;  // department -> line first written
  for (int i = 0; i < rules.max_data_ages_size(); ++i) {
    const pb::MaxDataAge& age = rules.max_data_ages(i);
    const PolicyNode child = node.Child("max_data_ages", i);
    CheckRange(child, "max_days", age.has_max_days(), age.max_days(), 1,
               kMaxDays,
               "days from the data's as-of date to the verification date that "
               "are still fresh",
               errors);
    if (!CheckEnum(child, "department", -1, age.department(),
                   hedui::v1::Department_descriptor(), errors)) {
      continue;
    }
    const auto [it, inserted] = seen.emplace(age.department(), child.line());
    if (!inserted) {
      errors->push_back(
          child.Error("department", -1,
                      absl::StrCat(hedui::v1::Department_Name(age.department()),
                                   " is listed twice", FirstAt(it->second))));
    }
  }
  const google::protobuf::EnumDescriptor* departments =
      hedui::v1::Department_descriptor();
  for (int i = 0; i < departments->value_count(); ++i) {
    const int department = departments->value(i)->number();
    if (department != 0 && seen.count(department) == 0) {
      errors->push_back(
          node.Error("max_data_ages", -1,
                     absl::StrCat("missing ", departments->value(i)->name(),
                                  ": every department needs a maximum data age "
                                  "(domain.md §6)")));
    }
  }
}

}  // namespace

bool IsRegionCode(absl::string_view code) {
  if (code.size() != 6) return false;
  for (const char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool CheckEnum(const PolicyNode& node, absl::string_view field, int index,
               int value, const google::protobuf::EnumDescriptor* type,
               std::vector<PolicyError>* errors) {
  if (value == 0) {
    // An omitted singular field reads as 0 too: for it, say what to write.
    errors->push_back(
        node.Error(field, index,
                   index < 0 ? absl::StrCat("required: one of ", Names(type))
                             : absl::StrCat(type->FindValueByNumber(0)->name(),
                                            " is not a value (", type->name(),
                                            " is one of ", Names(type), ")")));
    return false;
  }
  if (type->FindValueByNumber(value) == nullptr) {
    errors->push_back(
        node.Error(field, index,
                   absl::StrCat("unknown value ", value, " (", type->name(),
                                " is one of ", Names(type), ")")));
    return false;
  }
  return true;
}

void ValidateStandardsValues(const pb::Standards& standards,
                             const PolicyNode& node,
                             std::vector<PolicyError>* errors) {
  CheckEnum(node, "residence_class", -1, standards.residence_class(),
            hedui::store::v1::ResidenceClass_descriptor(), errors);
  CheckRange(node, "dibao_standard_fen", standards.has_dibao_standard_fen(),
             standards.dibao_standard_fen(), 1, kMaxMonthlyFen,
             "低保 standard, fen per person per month", errors);
  CheckRange(node, "tekun_support_fen", standards.has_tekun_support_fen(),
             standards.tekun_support_fen(), 1, kMaxMonthlyFen,
             "特困 support level, fen per person per month", errors);
  CheckRange(node, "temporary_income_limit_fen_per_year",
             standards.has_temporary_income_limit_fen_per_year(),
             standards.temporary_income_limit_fen_per_year(), 1, kMaxAnnualFen,
             "last year's local per-capita disposable income, fen per year",
             errors);
}

void ValidateRulesValues(const pb::Rules& rules, const PolicyNode& node,
                         std::vector<PolicyError>* errors) {
  CheckRange(node, "margin_multiple_percent",
             rules.has_margin_multiple_percent(),
             rules.margin_multiple_percent(), 100, kMaxPercent,
             "margin line, percent of the 低保 standard", errors);
  CheckRange(node, "union_relative_multiple_percent",
             rules.has_union_relative_multiple_percent(),
             rules.union_relative_multiple_percent(), 100, kMaxPercent,
             "trade-union relative hardship line, percent of the 低保 standard",
             errors);
  CheckAssetMultiples(rules, node, errors);
  CheckEnum(node, "financial_asset_cap_basis", -1,
            rules.financial_asset_cap_basis(),
            pb::FinancialAssetCapBasis_descriptor(), errors);
  CheckEnumList(node, "exempt_vehicle_types", rules.exempt_vehicle_types(),
                hedui::store::v1::VehicleType_descriptor(), errors);
  CheckExcludedBenefits(rules, node, errors);
  CheckRange(node, "employment_cost_percent",
             rules.has_employment_cost_percent(),
             rules.employment_cost_percent(), 0, 99,
             "percent of wage income deducted as employment cost", errors);
  CheckRange(node, "look_back_months", rules.has_look_back_months(),
             rules.look_back_months(), 1, kMaxMonths,
             "full months before the verification month", errors);
  CheckRange(node, "gradual_exit_months", rules.has_gradual_exit_months(),
             rules.gradual_exit_months(), 0, kMaxMonths,
             "months of gradual exit, 0 for none", errors);
  CheckRange(node, "review_months_stable", rules.has_review_months_stable(),
             rules.review_months_stable(), 1, kMaxMonths,
             "review interval of stable cases, months", errors);
  CheckRange(node, "review_months_irregular",
             rules.has_review_months_irregular(),
             rules.review_months_irregular(), 1, kMaxMonths,
             "review interval where income is irregular, months", errors);
  CheckRange(node, "death_recheck_months", rules.has_death_recheck_months(),
             rules.death_recheck_months(), 1, kMaxMonths,
             "months within which a death triggers a re-check", errors);
  CheckRange(node, "consent_validity_months",
             rules.has_consent_validity_months(),
             rules.consent_validity_months(), 1, kMaxMonths,
             "months a signed consent stays valid", errors);
  CheckMaxDataAges(rules, node, errors);
  CheckRange(node, "housing_area_limit_centi_m2_per_member",
             rules.has_housing_area_limit_centi_m2_per_member(),
             rules.housing_area_limit_centi_m2_per_member(), 1, kMaxAreaCentiM2,
             "residential floor area per member, 0.01 m², must be below it",
             errors);
  CheckRange(node, "individual_business_capital_limit_fen",
             rules.has_individual_business_capital_limit_fen(),
             rules.individual_business_capital_limit_fen(), 0, kMaxCapitalFen,
             "registered capital of an individual business that is REVIEW "
             "instead of FAIL, fen",
             errors);
  CheckRange(node, "max_backdating_days", rules.has_max_backdating_days(),
             rules.max_backdating_days(), 0, kMaxBackdatingDays,
             "days before today a verification date may lie, 0 for today only",
             errors);
}

}  // namespace hedui::engine
