#ifndef HEDUI_STORAGE_TYPES_MONEY_H_
#define HEDUI_STORAGE_TYPES_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hedui {

// Parses a non-negative decimal with at most `max_decimals` fraction digits
// into an integer scaled by 10^max_decimals, exactly (no floating point):
// ParseScaledDecimal("3500.5", 2) == 350050. No sign, no separators, no
// exponent; overflow is an error.
absl::StatusOr<int64_t> ParseScaledDecimal(absl::string_view text,
                                           int max_decimals);

// Yuan text ("3500.50") to fen (350050).
inline absl::StatusOr<int64_t> ParseYuanToFen(absl::string_view text) {
  return ParseScaledDecimal(text, 2);
}

// Fen to yuan text with two decimals: 350050 -> "3500.50", -5 -> "-0.05".
std::string FormatFenAsYuan(int64_t fen);

}  // namespace hedui

#endif  // HEDUI_STORAGE_TYPES_MONEY_H_
