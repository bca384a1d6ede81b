#include "server/engine/policy/validate_policy.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/policy/dated_period.h"
#include "server/engine/policy/policy_node.h"
#include "server/engine/policy/validate_values.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

namespace pb = hedui::policy::v1;
using hedui::store::v1::ResidenceClass;

// Reports name it and logs carry it: short, printable, no spaces.
constexpr int kMaxVersionLength = 64;

std::string FirstAt(int line) {
  return line > 0 ? absl::StrCat(" (first at line ", line, ")") : "";
}

void CheckVersion(const std::string& version, const PolicyNode& root,
                  std::vector<PolicyError>* errors) {
  if (version.empty()) {
    errors->push_back(root.Error(
        "version", -1,
        "required: names this policy in every report (e.g. \"2026.2\")"));
    return;
  }
  bool printable = version.size() <= kMaxVersionLength;
  for (const char c : version) printable = printable && c > ' ' && c <= '~';
  if (!printable) {
    errors->push_back(
        root.Error("version", -1,
                   absl::StrCat("must be 1 to ", kMaxVersionLength,
                                " printable ASCII characters without spaces")));
  }
}

// The days covered by contiguous periods: the first start and the last end
// (none: no end).
struct Extent {
  const DatedPeriod* first = nullptr;
  const DatedPeriod* last = nullptr;
};

Extent ExtentOf(const std::vector<DatedPeriod>& periods) {
  Extent extent;
  for (const DatedPeriod& period : periods) {
    if (extent.first == nullptr || period.from < extent.first->from) {
      extent.first = &period;
    }
    if (extent.last == nullptr ||
        (extent.last->until.has_value() &&
         (!period.until.has_value() || *period.until > *extent.last->until))) {
      extent.last = &period;
    }
  }
  return extent;
}

// What the checks across messages need of one valid region.
struct RegionInfo {
  int index;
  PolicyNode node;
  // Residence classes written, even for periods with a bad date (the date has
  // its own error; the class is there).
  std::set<int> classes;
  // Standards periods with usable dates, by residence class.
  std::map<int, std::vector<DatedPeriod>> standards;
  std::vector<DatedPeriod> rules;
  std::vector<int> rule_indices;  // of `rules`, in Policy.rules
};

// Rules must be in force on every day the region's standards are: a
// verification on such a day would find no multiples or limits.
void CheckRulesCover(const std::string& code, const RegionInfo& region,
                     std::vector<PolicyError>* errors) {
  if (region.rules.empty()) {
    errors->push_back(region.node.Error(
        "region_code", -1,
        absl::StrCat("no rules period applies to region ", code,
                     " (name it in rules.region_codes, or leave a period's "
                     "region_codes empty to cover every region)")));
    return;
  }
  const Extent rules = ExtentOf(region.rules);
  for (const auto& [residence_class, periods] : region.standards) {
    const Extent standards = ExtentOf(periods);
    if (standards.first == nullptr) continue;
    const std::string what =
        absl::StrCat("region ", code, " ",
                     hedui::store::v1::ResidenceClass_Name(
                         static_cast<ResidenceClass>(residence_class)),
                     " standards");
    if (rules.first->from > standards.first->from) {
      errors->push_back(standards.first->node.Error(
          "effective_from", -1,
          absl::StrCat(what, " start on ",
                       FormatCivilDay(standards.first->from),
                       " but the first rules period for the region starts on ",
                       FormatCivilDay(rules.first->from))));
    }
    const std::optional<absl::CivilDay>& rules_end = rules.last->until;
    const std::optional<absl::CivilDay>& standards_end = standards.last->until;
    if (rules_end.has_value() &&
        (!standards_end.has_value() || *standards_end > *rules_end)) {
      errors->push_back(standards.last->node.Error(
          standards_end.has_value() ? "effective_until" : "effective_from", -1,
          absl::StrCat(what, " run ",
                       standards_end.has_value()
                           ? absl::StrCat("to ", FormatCivilDay(*standards_end))
                           : std::string("with no end"),
                       " but the last rules period for the region ends on ",
                       FormatCivilDay(*rules_end))));
    }
  }
}

// Regions and their standards; fills `regions` (valid, distinct codes).
void CheckRegions(const pb::Policy& policy, const PolicyNode& root,
                  std::map<std::string, RegionInfo>* regions,
                  std::vector<PolicyError>* errors) {
  if (policy.regions_size() == 0) {
    errors->push_back(
        root.Error("regions", -1, "required: at least one region"));
  }
  for (int i = 0; i < policy.regions_size(); ++i) {
    const pb::Region& region = policy.regions(i);
    const PolicyNode node = root.Child("regions", i);
    bool usable = true;
    if (!IsRegionCode(region.region_code())) {
      errors->push_back(
          node.Error("region_code", -1,
                     absl::StrCat("must be a 6-digit county code, got \"",
                                  region.region_code(), "\"")));
      usable = false;
    } else if (const auto it = regions->find(region.region_code());
               it != regions->end()) {
      errors->push_back(node.Error(
          "region_code", -1,
          absl::StrCat("region ", region.region_code(), " is listed twice",
                       FirstAt(it->second.node.line()),
                       "; put all its standards in one entry")));
      usable = false;
    }
    if (region.standards_size() == 0) {
      errors->push_back(
          node.Error("standards", -1,
                     "required: at least one period per residence class"));
    }
    RegionInfo info{i, node, {}, {}, {}, {}};
    for (int j = 0; j < region.standards_size(); ++j) {
      const pb::Standards& standards = region.standards(j);
      const PolicyNode child = node.Child("standards", j);
      ValidateStandardsValues(standards, child, errors);
      std::optional<DatedPeriod> period =
          ReadPeriodOf(standards, child, errors);
      const int residence_class = standards.residence_class();
      if (!hedui::store::v1::ResidenceClass_IsValid(residence_class) ||
          residence_class == hedui::store::v1::RESIDENCE_CLASS_UNSPECIFIED) {
        continue;
      }
      info.classes.insert(residence_class);
      if (period.has_value()) {
        info.standards[residence_class].push_back(*std::move(period));
      }
    }
    if (usable) regions->emplace(region.region_code(), std::move(info));
  }
}

// Every region has the residence classes any region has: a household of the
// missing class there would have no standard at all.
void CheckSameClasses(const std::map<std::string, RegionInfo>& regions,
                      std::vector<PolicyError>* errors) {
  std::map<int, std::string> first_with;  // class -> first region having it
  for (const auto& [code, region] : regions) {
    for (const int residence_class : region.classes) {
      first_with.emplace(residence_class, code);
    }
  }
  for (const auto& [code, region] : regions) {
    // A region without any class already has its error ("required").
    if (region.classes.empty()) continue;
    for (const auto& [residence_class, other] : first_with) {
      if (region.classes.count(residence_class) > 0) continue;
      errors->push_back(region.node.Error(
          "standards", -1,
          absl::StrCat("region ", code, " has no ",
                       hedui::store::v1::ResidenceClass_Name(
                           static_cast<ResidenceClass>(residence_class)),
                       " standards, which region ", other, " has")));
    }
  }
}

void CheckRules(const pb::Policy& policy, const PolicyNode& root,
                std::map<std::string, RegionInfo>* regions,
                std::vector<PolicyError>* errors) {
  if (policy.rules_size() == 0) {
    errors->push_back(
        root.Error("rules", -1, "required: at least one rules period"));
  }
  for (int k = 0; k < policy.rules_size(); ++k) {
    const pb::Rules& rules = policy.rules(k);
    const PolicyNode node = root.Child("rules", k);
    ValidateRulesValues(rules, node, errors);
    const std::optional<DatedPeriod> period = ReadPeriodOf(rules, node, errors);
    std::set<std::string> named;
    for (int i = 0; i < rules.region_codes_size(); ++i) {
      const std::string& code = rules.region_codes(i);
      if (!named.insert(code).second) {
        errors->push_back(node.Error("region_codes", i,
                                     absl::StrCat(code, " is listed twice")));
      } else if (regions->count(code) == 0) {
        errors->push_back(node.Error(
            "region_codes", i,
            absl::StrCat(IsRegionCode(code) ? "unknown region "
                                            : "not a 6-digit county code: ",
                         code, " (not in regions)")));
      }
    }
    if (!period.has_value()) continue;
    for (auto& [code, region] : *regions) {
      if (named.empty() || named.count(code) > 0) {
        region.rules.push_back(*period);
        region.rule_indices.push_back(k);
      }
    }
  }
}

}  // namespace

std::vector<PolicyError> ValidatePolicy(
    const pb::Policy& policy,
    const google::protobuf::TextFormat::ParseInfoTree* locations) {
  std::vector<PolicyError> errors;
  const PolicyNode root(pb::Policy::descriptor(), locations);
  CheckVersion(policy.version(), root, &errors);
  std::map<std::string, RegionInfo> regions;
  CheckRegions(policy, root, &regions, &errors);
  CheckSameClasses(regions, &errors);
  CheckRules(policy, root, &regions, &errors);
  // Rules are checked once per set of regions sharing the same periods, so
  // that an overlap of two all-region periods is one error, not one a region.
  std::map<std::vector<int>, std::vector<std::string>> rule_groups;
  for (const auto& [code, region] : regions) {
    for (const auto& [residence_class, periods] : region.standards) {
      CheckContiguous(
          periods,
          absl::StrCat("region ", code, " ",
                       hedui::store::v1::ResidenceClass_Name(
                           static_cast<ResidenceClass>(residence_class)),
                       " standards"),
          &errors);
    }
    rule_groups[region.rule_indices].push_back(code);
  }
  for (const auto& [indices, codes] : rule_groups) {
    if (indices.empty()) continue;
    CheckContiguous(regions.at(codes.front()).rules,
                    absl::StrCat(codes.size() == 1 ? "rules for region "
                                                   : "rules for regions ",
                                 absl::StrJoin(codes, ", ")),
                    &errors);
  }
  for (const auto& [code, region] : regions) {
    CheckRulesCover(code, region, &errors);
  }
  return errors;
}

}  // namespace hedui::engine
