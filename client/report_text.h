#ifndef HEDUI_CLIENT_REPORT_TEXT_H_
#define HEDUI_CLIENT_REPORT_TEXT_H_

#include <ostream>
#include <string>

#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// A verification report as a caseworker reads it: the header (id, program,
// date, verdict, summary), the household as counted, every criterion with
// its value, threshold, distance, explanation and evidence, income per member
// and category, discrepancies, the departments' data and the policy used.
// Resident IDs are masked and names shortened (the table never shows either
// whole); server text is printed with control characters replaced.
void WriteReportText(const hedui::v1::Report& report, std::ostream& out);

// "PASS 通过" etc.: the code, and the Chinese a caseworker reads.
std::string ResultText(hedui::v1::Finding::Result result);
// "MEETS_CRITERIA 符合" etc.
std::string VerdictText(hedui::v1::Verdict verdict);
// "DIBAO 最低生活保障 (低保)" etc.
std::string ProgramText(hedui::v1::Program program);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REPORT_TEXT_H_
