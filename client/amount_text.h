#ifndef HEDUI_CLIENT_AMOUNT_TEXT_H_
#define HEDUI_CLIENT_AMOUNT_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "hedui/v1/report.pb.h"

namespace hedui::cli {

// Figures as a caseworker reads them (domain.md §4): money in 元 with two
// decimals and thousands separators, computed exactly from integers.

// Whole fen as yuan: 88499999 -> "884,999.99", -5 -> "-0.05".
std::string YuanText(int64_t fen);

// Hundredths (fen, 0.01 m², 0.01 of a count) with two decimals:
// 150 -> "1.50"; `separators` puts commas between thousands.
std::string HundredthsText(int64_t hundredths, bool separators);

// A report's exact quantity with its unit, from numerator/denominator, the
// fraction rounded down toward minus infinity to whole fen (two decimals of
// the yuan; 0.01 m² for areas), so a figure shown below a line is below it:
// 8849999583/100 fen -> "88,499,995.83 元". Counts and ages are whole
// numbers (two decimals, rounded down, should one not be). `count_word`
// replaces the generic "个" of a COUNT ("辆", "套"). The `shown` text is
// used only when the fraction is unset (a report without it); "-" when
// nothing is set. Never four decimals of the yuan, whatever `shown` says.
std::string QuantityZhText(const hedui::v1::Quantity& quantity,
                           absl::string_view count_word = "");

// The quantity holds a figure (a report leaves unused ones unset).
bool QuantityIsSet(const hedui::v1::Quantity& quantity);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_AMOUNT_TEXT_H_
