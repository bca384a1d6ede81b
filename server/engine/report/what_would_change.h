#ifndef HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_
#define HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_

#include "hedui/v1/report.pb.h"

namespace hedui::engine {

// Sets Finding.what_would_change on each finding that failed, or passed
// within 10 % of its line (issue 15: what would flip the verdict).
void AddWhatWouldChange(hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_
