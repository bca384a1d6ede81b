#ifndef HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_
#define HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_

#include "hedui/v1/report.pb.h"

namespace hedui::engine {

// Sets Finding.what_would_change on each finding that failed, or passed
// within 10 % of its line (issue 15: what would flip the verdict), from the
// finding's own threshold, value and distance, the counted members
// (report.household().counted_members()) and, for the 低保 line of the
// margin and trade-union programs, the policy's dibao_standard_fen.
//
// "Within 10 %": the smallest change of the value that would turn the pass
// into a failure is at most a tenth of the line (line > 0). For amounts and
// areas that change is the distance to the line; for counts it is whole
// units (one more than the distance where the line itself still passes), so
// a count never passes "near" a line of 0 or 1. Everything is decided on
// the exact fractions, in integers.
//
// Every amount in a sentence is a whole fen (0.01 m² for areas), rounded in
// the direction that makes the advice hold: changing the value by exactly the
// amount shown flips the result, and by one fen less does not.
void AddWhatWouldChange(hedui::v1::Report* report);

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_REPORT_WHAT_WOULD_CHANGE_H_
