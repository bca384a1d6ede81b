#ifndef HEDUI_SERVER_ENGINE_RULES_VERDICT_H_
#define HEDUI_SERVER_ENGINE_RULES_VERDICT_H_

#include "hedui/v1/report.pb.h"

namespace hedui::engine {

// domain.md §7: DOES_NOT_MEET when a criterion failed, else NEEDS_REVIEW when
// one is unknown or for review, else MEETS_CRITERIA; sorts the findings into
// criterion order and writes the summary.
void DecideVerdict(hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_RULES_VERDICT_H_
