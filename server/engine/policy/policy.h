#ifndef HEDUI_SERVER_ENGINE_POLICY_POLICY_H_
#define HEDUI_SERVER_ENGINE_POLICY_POLICY_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/text_format.h"
#include "hedui/policy/v1/policy.pb.h"
#include "hedui/store/v1/records.pb.h"
#include "server/engine/policy/policy_values.h"

namespace hedui::engine {

// A validated policy, indexed for lookups by region, residence class and day.
// Immutable once built; safe to share between threads.
class Policy {
 public:
  // Validates `proto` and indexes it. INVALID_ARGUMENT lists every problem as
  // "file:line:column: field: problem"; positions come from `locations` (the
  // text parser's record, see LoadPolicyText) and are left out without it.
  static absl::StatusOr<Policy> FromProto(
      hedui::policy::v1::Policy proto, absl::string_view file_name = "policy",
      const google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);

  // Every parameter in force for households of `region_code` and
  // `residence_class` on `day` (the verification date, domain.md §6: a
  // standard raised on 2026-07-01 applies from that day). NOT_FOUND for a
  // region or class the policy does not have, FAILED_PRECONDITION for a day
  // outside the periods of the policy, INVALID_ARGUMENT for an unspecified
  // class.
  absl::StatusOr<PolicyValues> ValuesOn(
      absl::string_view region_code,
      hedui::store::v1::ResidenceClass residence_class,
      absl::CivilDay day) const;

  const std::string& version() const { return proto_.version(); }
  // As loaded: reports and audits may keep it whole.
  const hedui::policy::v1::Policy& proto() const { return proto_; }

 private:
  // The values in force over a stretch of days: one standards period cut by
  // the rules periods that apply to its region.
  struct Segment {
    absl::CivilDay from;
    std::optional<absl::CivilDay> until;  // inclusive; none: no end
    PolicyValues values;
  };
  // By residence class number; each sorted by `from`, contiguous.
  using ClassSegments = std::array<std::vector<Segment>,
                                   hedui::store::v1::ResidenceClass_ARRAYSIZE>;

  explicit Policy(hedui::policy::v1::Policy proto);
  void Index();

  hedui::policy::v1::Policy proto_;
  absl::flat_hash_map<std::string, ClassSegments> segments_;
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_POLICY_POLICY_H_
