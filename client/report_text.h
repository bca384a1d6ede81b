#ifndef HEDUI_CLIENT_REPORT_TEXT_H_
#define HEDUI_CLIENT_REPORT_TEXT_H_

#include <ostream>
#include <string>

#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// A verification report as a caseworker reads it, in Chinese throughout:
// the header (id, program, date, verdict, the criteria that decide it,
// summary), the household as counted, every criterion with its value, line,
// difference, explanation, what would change its result and its evidence,
// income per member and category and every income record by member and
// month, assets, discrepancies, the departments' data and the policy used
// (parameters by their Chinese names, money in 元). Names of codes come from
// the .proto options (zh_names.h); a code follows in parentheses where IT
// may be asked about it. Resident IDs are masked and names shortened (the
// text never shows either whole); server text is printed with control
// characters replaced.
void WriteReportText(const hedui::v1::Report& report, std::ostream& out);

// "MEETS_CRITERIA 符合" etc., for the one-line listings (batch results,
// report list, stats) where the code is the column's key.
std::string VerdictText(hedui::v1::Verdict verdict);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REPORT_TEXT_H_
