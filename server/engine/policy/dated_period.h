#ifndef HEDUI_SERVER_ENGINE_POLICY_DATED_PERIOD_H_
#define HEDUI_SERVER_ENGINE_POLICY_DATED_PERIOD_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/codes.pb.h"
#include "server/engine/policy/policy_error.h"
#include "server/engine/policy/policy_node.h"

namespace hedui::engine {

// The days a set of policy values is in force (domain.md §6), and where it is
// written.
struct DatedPeriod {
  absl::CivilDay from;
  std::optional<absl::CivilDay> until;  // inclusive; none: no end
  PolicyNode node;                      // the Standards or Rules message

  bool Contains(absl::CivilDay day) const {
    return from <= day && (!until.has_value() || day <= *until);
  }
};

// "2025-01-01 to 2026-06-30", or "2026-07-01 with no end".
std::string DescribePeriod(const DatedPeriod& period);

// Reads the `effective_from` / `effective_until` fields of the message at
// `node`. Reports a missing or impossible date and an end before the start;
// nullopt when the period is unusable (its overlaps are then not checked, so
// that one typo gives one error).
std::optional<DatedPeriod> ReadPeriod(const hedui::v1::Date* from,
                                      const hedui::v1::Date* until,
                                      const PolicyNode& node,
                                      std::vector<PolicyError>* errors);

// For a Standards or Rules message (null pointers for dates not written).
template <typename Message>
std::optional<DatedPeriod> ReadPeriodOf(const Message& message,
                                        const PolicyNode& node,
                                        std::vector<PolicyError>* errors) {
  return ReadPeriod(
      message.has_effective_from() ? &message.effective_from() : nullptr,
      message.has_effective_until() ? &message.effective_until() : nullptr,
      node, errors);
}

// The periods of one kind (`kind`, e.g. "region 320581 URBAN standards") must
// neither overlap (a date would have two values) nor leave a gap (a date
// between them would have none, almost always a mistyped date). Errors point at
// the later period.
void CheckContiguous(std::vector<DatedPeriod> periods, absl::string_view kind,
                     std::vector<PolicyError>* errors);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_DATED_PERIOD_H_
