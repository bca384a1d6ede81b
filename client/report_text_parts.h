#ifndef HEDUI_CLIENT_REPORT_TEXT_PARTS_H_
#define HEDUI_CLIENT_REPORT_TEXT_PARTS_H_

#include <ostream>
#include <string>

#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// Pieces of the report's text view shared by its sections
// (report_text.cc, income_text.cc).

// "张**", "-" when empty: names are personal data.
std::string MaskedName(const std::string& name);

// "税务，数据截至 2026-11-01  3205**********1234  <record>"; the as-of date
// and person only where the evidence carries them.
std::string EvidenceLine(const hedui::v1::Evidence& evidence);

// The income section: the window, each counted member's categories, the
// household and per-capita figures, then every record by member and month,
// counted or not and why.
void WriteIncomeText(const hedui::v1::Report& report, std::ostream& out);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_REPORT_TEXT_PARTS_H_
