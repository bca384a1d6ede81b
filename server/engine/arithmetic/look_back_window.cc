#include "server/engine/arithmetic/look_back_window.h"

namespace hedui::engine {

LookBackWindow LookBackFrom(absl::CivilDay verification_day, int months) {
  const absl::CivilMonth current(verification_day);
  LookBackWindow window;
  window.last = current - 1;
  window.first = current - months;
  window.months = months;
  return window;
}

}  // namespace hedui::engine
