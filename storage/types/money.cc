#include "storage/types/money.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace hedui {

absl::StatusOr<int64_t> ParseScaledDecimal(absl::string_view text,
                                           int max_decimals) {
  if (text.empty()) return absl::InvalidArgumentError("empty number");
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos
                                         ? absl::string_view()
                                         : text.substr(dot + 1);
  if (whole.empty()) {
    return absl::InvalidArgumentError("a number needs digits before the point");
  }
  if (dot != absl::string_view::npos && fraction.empty()) {
    return absl::InvalidArgumentError("a number needs digits after the point");
  }
  if (fraction.size() > static_cast<size_t>(max_decimals)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("at most %d decimals allowed", max_decimals));
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  auto append_digit = [&](char c) -> bool {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) return false;
    value = value * 10 + digit;
    return true;
  };
  for (char c : whole) {
    if (!append_digit(c)) {
      return absl::InvalidArgumentError(
          absl::ascii_isdigit(static_cast<unsigned char>(c))
              ? "number too large"
              : "not a non-negative decimal number");
    }
  }
  for (int i = 0; i < max_decimals; ++i) {
    const char c = i < static_cast<int>(fraction.size()) ? fraction[i] : '0';
    if (!append_digit(c)) {
      return absl::InvalidArgumentError(
          absl::ascii_isdigit(static_cast<unsigned char>(c))
              ? "number too large"
              : "not a non-negative decimal number");
    }
  }
  return value;
}

std::string FormatFenAsYuan(int64_t fen) {
  const bool negative = fen < 0;
  // Work in unsigned so INT64_MIN does not overflow on negation.
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", magnitude / 100,
                         magnitude % 100);
}

}  // namespace hedui
