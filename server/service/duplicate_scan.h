#ifndef HEDUI_SERVER_SERVICE_DUPLICATE_SCAN_H_
#define HEDUI_SERVER_SERVICE_DUPLICATE_SCAN_H_

// The roll scan for duplicate enrolment (一人一保, domain.md §10, §10.1
// "Duplicate enrolment"): pairs of active roll entries that enrol the same
// person (storage::RollEntryEnrolledMembers: counted declared members, never
// obligors, never the dead) in conflicting programs: the same one of 低保,
// 特困 and margin (two active entries of one program are two households: a
// roll holds a household once), or two of them (they exclude each other in
// any household).
//
// Each newly found pair makes two change events, one per side, each
// visible where its own entry is and naming only the other side's program
// and county (never its entry or report), and is remembered (roll key 'p',
// both orders) in the same synced write as the change that found it, so it
// is not reported again while it persists. A pair whose entry ends is
// forgotten in the write that ends it, without an event; an entry that
// replaces another (a re-enrolment) inherits the pairs it had, so the same
// pair is not reported twice. Nothing here writes: the callers put the
// events and writes in their own synced batch.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/roll_service.pb.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"

namespace hedui::server {

// The method a scan the server runs by itself (a feed switch) is audited
// under.
inline constexpr char kDuplicateScanMethod[] = "internal/duplicate-scan";

// Whether entries of these programs sharing an enrolled member are a
// duplicate (the programs of the DUPLICATE_ENROLLMENT criterion only).
bool ProgramsConflict(hedui::v1::Program a, hedui::v1::Program b);

struct DuplicateScan {
  std::vector<hedui::v1::ChangeEvent> events;  // two per new pair
  std::vector<storage::StoreWrite> writes;     // pairs remembered, forgotten
  int new_pairs = 0;
  int forgotten_pairs = 0;
};

// `entry`'s side of a pair with `other`: its own program, county and entry;
// of the other side only the program and county.
hedui::v1::ChangeEvent DuplicateEvent(const hedui::v1::RollEntry& entry,
                                      const hedui::v1::RollEntry& other,
                                      const std::vector<std::string>& shared,
                                      absl::CivilDay day);

// For a roll change about to be written (the caller holds rolls->mu() until
// it is durable): the pairs of the entries it ends are forgotten, and each
// entry it makes or keeps active is paired with the active entries sharing
// an enrolled member in a conflicting program.
absl::StatusOr<DuplicateScan> ScanRollChange(storage::RollStore* rolls,
                                             const storage::RollChange& change,
                                             absl::CivilDay day);

// Every active entry (an assistance-enrollment feed switched in; it also
// finds pairs no enrolment showed, e.g. those of a store upgraded with its
// rolls). Pairs remembered that no longer hold (a member found dead since)
// are forgotten. The caller holds rolls->mu() until it is durable.
absl::StatusOr<DuplicateScan> ScanWholeRoll(storage::RollStore* rolls,
                                            absl::CivilDay day);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_DUPLICATE_SCAN_H_
