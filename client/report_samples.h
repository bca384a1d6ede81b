#ifndef HEDUI_CLIENT_REPORT_SAMPLES_H_
#define HEDUI_CLIENT_REPORT_SAMPLES_H_

#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"

namespace hedui::cli::testing {

// One fixed report per program, written by hand as the engine would produce
// it (never by the engine: the CLI's tests do not link it), each showing what
// the text view must render: 低保 fails on income with exact fractions, the
// records by month, a discrepancy and a single-person note; 特困 needs review
// (a 17-year-old in school, a stale enrollment feed) and its income records
// come from an older engine (no Evidence.period); the margin passes with a
// housing-fund corroboration; temporary assistance is verified after the
// fact with stale tax data; medical assistance passes on enrollment with no
// income section; housing fails on area; the union tier is relative.
hedui::v1::Report ProgramSampleReport(hedui::v1::Program program);

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_REPORT_SAMPLES_H_
