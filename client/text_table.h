#ifndef HEDUI_CLIENT_TEXT_TABLE_H_
#define HEDUI_CLIENT_TEXT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// Building blocks of the table printer, shared by every command's text
// output.

struct Column {
  std::string title;
  bool right_aligned = false;  // numbers line up on their last digit
};

// Terminal columns `text` takes: Chinese characters (and other East Asian
// wide ones) count two, so tables with Chinese cells still line up.
size_t DisplayWidth(absl::string_view text);

// Pads every cell to its column's widest one, two spaces between columns;
// `indent` spaces before each line. The last column is not padded.
void WriteTable(const std::vector<Column>& columns,
                const std::vector<std::vector<std::string>>& rows,
                std::ostream& out, int indent = 0);

// "name  value" lines, names padded to the longest; `indent` spaces first.
void WriteFields(const std::vector<std::pair<std::string, std::string>>& fields,
                 std::ostream& out, int indent = 0);

// Text from the server, safe for a terminal and free of resident IDs:
// control characters become '?', and any 18-character ID in it is masked
// (MaskResidentIdsInText). UTF-8 is kept.
std::string SafeText(absl::string_view text);

// A masked resident ID ("3201**********123X"), or "-" when empty.
std::string MaskedId(absl::string_view id);

// "2026-11-03"; "-" for an unset date. Printed as received even if not a
// real date: a server bug should show.
std::string DateText(const hedui::v1::Date& date);
std::string MonthText(const hedui::v1::YearMonth& month);

std::string YesNo(bool value);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_TEXT_TABLE_H_
