#ifndef HEDUI_SERVER_ENGINE_CHANGES_REPORT_CHANGES_H_
#define HEDUI_SERVER_ENGINE_CHANGES_REPORT_CHANGES_H_

// What a re-verification of an enrolled household found different from the
// roll entry's previous report (domain.md §10, §10.1 "Events", "Gradual
// exit", "Special households"): the content of a REVERIFICATION change event
// and the entry's new state. Pure: it reads the two stored reports and what
// the entry remembers, nothing else (the reports are never recomputed).

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hedui/v1/change_service.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"

namespace hedui::engine {

// What the roll entry remembers between re-verifications (RollEntry fields
// 26, 30).
struct EntryChangeState {
  hedui::v1::Program program = hedui::v1::PROGRAM_UNSPECIFIED;
  // The entry's county: a declared person registered outside it moved away.
  std::string region_code;
  std::optional<absl::CivilDay> gradual_exit_date;
  // Persons never reported as dead or moved away again for this entry:
  // those whose death or move made an event, and those the previous report
  // already showed gone (known when the entry was approved).
  std::vector<std::string> persons_gone;
};

struct ReportChanges {
  bool makes_event = false;
  // Kind REVERIFICATION with program, region_code, occurred_on (the new
  // report's verification date), verdict before → after, the changed
  // criteria, the persons newly found dead or moved away, the gradual exit
  // (its date while it applies, or cleared), may_qualify_for_dibao and the
  // summary. Number, trigger, entry, report ids, departments and creation
  // time are the caller's. Filled whether or not `makes_event`.
  hedui::v1::ChangeEvent event;
  // The entry's new state.
  std::optional<absl::CivilDay> gradual_exit_date;
  std::vector<std::string> persons_gone;  // the old list, then the new ones
  // A declared household member newly found dead: the caller schedules the
  // death re-check (domain.md §6, §10.1 "Reviews": 3 months after).
  bool found_death = false;
};

// Compares `current` (the re-verification's report) with `previous` (the
// entry's latest stored report). The rules, each with its test:
//
// - A criterion changed when its result differs; a criterion absent on one
//   side and PASS on the other did not. A criterion absent from `previous`
//   only because the engine that made it predates the criterion did not
//   change either: absent there, `previous.engine_version` differs from
//   `current`'s, and `previous` has its criteria (its COMPOSITION did not
//   fail, which leaves the others absent). Such a criterion does not make
//   a verdict change count either when it alone decides the new verdict.
// - A changed criterion carries its evidence difference: rows matched by
//   department, person, period and record; an equal record is no change
//   whatever its as-of date; a record of the same kind whose figures or
//   dates differ (digits alone) is CHANGED, as is a person's one
//   registration, marriage or death record; the rest REMOVED (rows that left
//   the look-back window among them) or ADDED. INCOME's rows are the income
//   records of the report's income section (the finding shows only their
//   totals). The departments a side found missing or stale are named with
//   their state and as-of date (data_before, data_after).
// - Declared persons (members, obligors, obligors' spouses) newly shown dead
//   or moved away make one event each per entry, whether or not a result
//   changed. Dead: a death record, a registration status DECEASED, or a
//   member not counted as deceased. Moved: a registration status MOVED, or a
//   registration region other than the entry's county (another 户号 in the
//   county is not a move). Newly: not shown gone by `previous`, and not in
//   `entry.persons_gone`. Death wins over a move shown at the same time.
// - Gradual exit (低保 only): applies when INCOME fails and no other
//   criterion does. Its date is the last day of the sixth month after the
//   month of the re-verification that first found it; it is kept while it
//   applies (no event for that alone) and cleared, with an event, when it
//   stops.
// - A margin household whose INCOME fails because its per-capita income is
//   below the 低保 standard of `current`'s policy (standards known) may
//   qualify for 低保 (应保尽保); falling below makes an event.
ReportChanges CompareReports(const hedui::v1::Report& previous,
                             const hedui::v1::Report& current,
                             const EntryChangeState& entry);

// The last day of the sixth month after `found`'s month (2026-11-20 →
// 2027-05-31).
absl::CivilDay GradualExitDate(absl::CivilDay found);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_CHANGES_REPORT_CHANGES_H_
