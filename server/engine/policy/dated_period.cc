#include "server/engine/policy/dated_period.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/types/civil_date.h"

namespace hedui::engine {
namespace {

// A date field of the period's message, or nullopt with an error.
std::optional<absl::CivilDay> ReadDay(const hedui::v1::Date& date,
                                      absl::string_view field,
                                      const PolicyNode& node,
                                      std::vector<PolicyError>* errors) {
  absl::StatusOr<absl::CivilDay> day = hedui::FromProto(date, field);
  if (!day.ok()) {
    // FromProto names the field itself; the error's field column already does.
    errors->push_back(
        node.Error(field, -1,
                   std::string(absl::StripPrefix(day.status().message(),
                                                 absl::StrCat(field, ": ")))));
    return std::nullopt;
  }
  return *day;
}

std::string Where(const PolicyNode& node) {
  return node.line() > 0
             ? absl::StrCat(node.path(), " (line ", node.line(), ")")
             : node.path();
}

}  // namespace

std::string DescribePeriod(const DatedPeriod& period) {
  if (!period.until.has_value()) {
    return absl::StrCat(FormatCivilDay(period.from), " with no end");
  }
  return absl::StrCat(FormatCivilDay(period.from), " to ",
                      FormatCivilDay(*period.until));
}

std::optional<DatedPeriod> ReadPeriod(const hedui::v1::Date* from,
                                      const hedui::v1::Date* until,
                                      const PolicyNode& node,
                                      std::vector<PolicyError>* errors) {
  if (from == nullptr) {
    errors->push_back(node.Error("effective_from", -1,
                                 "required: the first day these values apply"));
    return std::nullopt;
  }
  const std::optional<absl::CivilDay> first =
      ReadDay(*from, "effective_from", node, errors);
  std::optional<absl::CivilDay> last;
  if (until != nullptr) {
    last = ReadDay(*until, "effective_until", node, errors);
    if (!last.has_value()) return std::nullopt;
  }
  if (!first.has_value()) return std::nullopt;
  if (last.has_value() && *last < *first) {
    errors->push_back(node.Error(
        "effective_until", -1,
        absl::StrCat(FormatCivilDay(*last), " is before effective_from ",
                     FormatCivilDay(*first), " (the last day is inclusive)")));
    return std::nullopt;
  }
  return DatedPeriod{*first, last, node};
}

void CheckContiguous(std::vector<DatedPeriod> periods, absl::string_view kind,
                     std::vector<PolicyError>* errors) {
  // Stable by start: equal starts keep file order, so the message is the same
  // on every load.
  std::stable_sort(periods.begin(), periods.end(),
                   [](const DatedPeriod& a, const DatedPeriod& b) {
                     return a.from < b.from;
                   });
  // The period reaching furthest so far: an open-ended one overlaps
  // everything after it, not only its next neighbour.
  const DatedPeriod* reach = nullptr;
  for (const DatedPeriod& period : periods) {
    if (reach != nullptr) {
      if (!reach->until.has_value() || *reach->until >= period.from) {
        errors->push_back(period.node.Error(
            "effective_from", -1,
            absl::StrCat("overlaps ", Where(reach->node), ": ", kind,
                         " would have two values on ",
                         FormatCivilDay(period.from), " (",
                         DescribePeriod(period), " against ",
                         DescribePeriod(*reach), ")")));
      } else if (*reach->until + 1 < period.from) {
        errors->push_back(period.node.Error(
            "effective_from", -1,
            absl::StrCat("gap after ", Where(reach->node), ": ", kind,
                         " have no values from ",
                         FormatCivilDay(*reach->until + 1), " to ",
                         FormatCivilDay(period.from - 1))));
      }
      if (!reach->until.has_value() ||
          (period.until.has_value() && *period.until <= *reach->until)) {
        continue;
      }
    }
    reach = &period;
  }
}

}  // namespace hedui::engine
