#ifndef HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_
#define HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_

#include "absl/time/civil_time.h"

namespace hedui::engine {

// N full calendar months (domain.md §4): at most the N months before the
// month of the verification date (a verification on 2026-11-01 or 2026-11-20
// with N = 12 looks at 2025-11 ... 2026-10), moved back so that it ends no
// later than the income data do (§10.1). A payment belongs to the month it
// is for.
struct LookBackWindow {
  absl::CivilMonth first;
  absl::CivilMonth last;
  int months = 0;

  bool Contains(absl::CivilMonth month) const {
    return first <= month && month <= last;
  }
};

// The N full calendar months before the month of the verification date.
// REQUIRES: months >= 1.
LookBackWindow LookBackFrom(absl::CivilDay verification_day, int months);

// The N months ending with `last`. REQUIRES: months >= 1.
LookBackWindow LookBackEndingWith(absl::CivilMonth last, int months);

// The last month a department's data as of `as_of` covers whole (domain.md
// §10.1): data as of a month's last day covers that month; as of any earlier
// day, the month is not complete yet and only the month before is covered.
absl::CivilMonth LastFullMonthCovered(absl::CivilDay as_of);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_
