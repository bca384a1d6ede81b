#ifndef HEDUI_TESTS_DATAGEN_SECOND_MONTH_H_
#define HEDUI_TESTS_DATAGEN_SECOND_MONTH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace hedui::datagen {

// The second month (issue 16 item 8, domain.md §10, §10.1): which households
// a generated county's programs enrol, and next month's department deltas
// with planted changes, each with the event it must cause. Every expectation
// follows from the labels, the declarations (equal to the records for the
// households chosen) and the example policy; nothing runs a verifier.

// The day the month-2 files are switched in, i.e. the re-verification date,
// and the as-of date of every month-2 file.
inline constexpr absl::CivilDay kSecondMonthReverifyDay{2026, 12, 10};
inline constexpr absl::CivilDay kSecondMonthAsOf{2026, 12, 1};

struct SecondMonthSummary {
  int enrolled = 0;   // lines of enrolment.jsonl
  int planted = 0;    // planted changes (expectations.json "planted")
  int unchanged = 0;  // enrolled households expected to get no event
};

// Reads the county written by GenerateCounty in `county_dir` and writes into
// `out_dir` (created if missing): enrolment.jsonl, fresh/<dept>.delta.csv
// (header only: every department current as of kSecondMonthAsOf, touching
// nobody), planted/<dept>.delta.csv, expectations.json and month2.json.
// The same county gives the same bytes.
absl::StatusOr<SecondMonthSummary> WriteSecondMonth(
    const std::string& county_dir, const std::string& out_dir);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_SECOND_MONTH_H_
