#ifndef HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_
#define HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_

#include "absl/time/civil_time.h"

namespace hedui::engine {

// The N full calendar months before the month of the verification date
// (domain.md §4): a verification on 2026-11-01 or 2026-11-20 with N = 12
// looks at 2025-11 ... 2026-10. A payment belongs to the month it is for.
struct LookBackWindow {
  absl::CivilMonth first;
  absl::CivilMonth last;
  int months = 0;

  bool Contains(absl::CivilMonth month) const {
    return first <= month && month <= last;
  }
};

// REQUIRES: months >= 1.
LookBackWindow LookBackFrom(absl::CivilDay verification_day, int months);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_ARITHMETIC_LOOK_BACK_WINDOW_H_
