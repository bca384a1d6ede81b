#include "server/engine/arithmetic/look_back_window.h"

namespace hedui::engine {

LookBackWindow LookBackFrom(absl::CivilDay verification_day, int months) {
  return LookBackEndingWith(absl::CivilMonth(verification_day) - 1, months);
}

LookBackWindow LookBackEndingWith(absl::CivilMonth last, int months) {
  LookBackWindow window;
  window.last = last;
  window.first = last - (months - 1);
  window.months = months;
  return window;
}

absl::CivilMonth LastFullMonthCovered(absl::CivilDay as_of) {
  const absl::CivilMonth month(as_of);
  // The next day falls in another month only on the month's last day.
  return absl::CivilMonth(as_of + 1) != month ? month : month - 1;
}

}  // namespace hedui::engine
