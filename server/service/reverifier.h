#ifndef HEDUI_SERVER_SERVICE_REVERIFIER_H_
#define HEDUI_SERVER_SERVICE_REVERIFIER_H_

// One roll entry verified again (domain.md §10 "Re-verification"): its
// stored declaration as of a given day, compared with the entry's latest
// report (server/engine/changes/report_changes.h), giving what to write: the
// audit entry (the program that enrolled the household as requester, the
// trigger named), the report, the change event if any, and the entry's new
// state. Nothing is written here: the runner writes a batch of entries in
// one synced write, so a day's pass does not pay one sync per household.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "server/service/verifier.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"

namespace hedui::server {

// The method name re-verifications are audited under.
inline constexpr char kReverifyMethod[] = "internal/reverify";

struct PreparedReverification {
  storage::ServiceRecord record;  // audit entry, report, event (if any)
  hedui::v1::RollEntry entry;     // the entry's new state
  bool consent_expired = false;   // nothing was read
  bool makes_event = false;
};

class Reverifier {
 public:
  // All must outlive it.
  Reverifier(storage::ServiceLog* log, const Verifier* verifier)
      : log_(log), verifier_(verifier) {}

  // `departments`: the files that started a FEED pass (named in the event).
  // `job` names the pass in the audit entry (0: none).
  absl::StatusOr<PreparedReverification> Prepare(
      const hedui::v1::RollEntry& entry, absl::CivilDay date,
      hedui::v1::ChangeEvent::Trigger trigger,
      const std::vector<hedui::v1::Department>& departments,
      uint64_t job) const;

  // Whether the entry's stored consent no longer covers a verification on
  // `date` (nothing is read to know it), and no event has said so yet for
  // this consent: the scheduled consent check's question.
  bool ConsentExpiryToReport(const hedui::v1::RollEntry& entry,
                             absl::CivilDay date) const;

  // The entry's latest stored report: the newest re-verification of this
  // entry (its reports name the entry as their application id), else the
  // report of its enrolment.
  absl::StatusOr<std::string> LatestReportId(
      const hedui::v1::RollEntry& entry) const;

 private:
  storage::ServiceLog* log_;
  const Verifier* verifier_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_REVERIFIER_H_
