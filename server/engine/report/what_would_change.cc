#include "server/engine/report/what_would_change.h"

namespace hedui::engine {

// Filled in by issue 15 (the caseworker's report).
void AddWhatWouldChange(hedui::v1::Report*) {}

}  // namespace hedui::engine
