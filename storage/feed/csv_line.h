#ifndef HEDUI_STORAGE_FEED_CSV_LINE_H_
#define HEDUI_STORAGE_FEED_CSV_LINE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hedui::feed {

// What can be wrong with one CSV line (RFC 4180, plus the feed rules: a
// quoted field ends on its line; NUL, U+001F and a lone CR are refused).
enum class CsvProblem {
  kNone,
  kQuoteInUnquotedField,   // a"b, or a space before an opening quote
  kTextAfterClosingQuote,  // "a"b
  kUnclosedQuote,          // "a   (no closing quote on the line)
  kNul,                    // U+0000
  kUnitSeparator,          // U+001F: it separates natural-key parts
  kCarriageReturn,         // a CR not followed by LF
};

struct CsvSplit {
  CsvProblem problem = CsvProblem::kNone;
  int column = 0;  // 1-based column of the problem
};

// Splits `line` (without its line end) into fields. The views point into
// `line`, or into `scratch` for quoted fields holding "" escapes; both must
// outlive them. `fields` and `scratch` are reused to avoid allocating.
CsvSplit SplitCsvLine(absl::string_view line,
                      std::vector<absl::string_view>* fields,
                      std::string* scratch);

// English description of `problem`, for error messages.
const char* DescribeCsvProblem(CsvProblem problem);

// The 1-based column in which the end of `prefix` (an incomplete line) lies.
int CsvColumnAt(absl::string_view prefix);

}  // namespace hedui::feed

#endif  // HEDUI_STORAGE_FEED_CSV_LINE_H_
