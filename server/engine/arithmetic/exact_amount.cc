#include "server/engine/arithmetic/exact_amount.h"

#include <algorithm>
#include <limits>
#include <string>

namespace hedui::engine {
namespace {

__int128 Gcd(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// floor(a / b) for b > 0 (C++ division truncates toward zero).
__int128 FloorDiv(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

std::string WithSeparators(__int128 whole) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(whole % 10)));
    whole /= 10;
  } while (whole > 0);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

ExactAmount ExactAmount::Fraction(int64_t numerator_fen, int64_t denominator) {
  ExactAmount amount(numerator_fen, denominator);
  amount.Reduce();
  return amount;
}

ExactAmount ExactAmount::Fraction128(__int128 numerator_fen,
                                     int64_t denominator) {
  ExactAmount amount(numerator_fen, denominator);
  amount.Reduce();
  return amount;
}

bool ExactAmount::FitsInt64() const {
  return numerator_ >= std::numeric_limits<int64_t>::min() &&
         numerator_ <= std::numeric_limits<int64_t>::max() &&
         denominator_ <= std::numeric_limits<int64_t>::max();
}

int64_t ExactAmount::numerator() const {
  if (FitsInt64()) return static_cast<int64_t>(numerator_);
  const __int128 floor = FloorDiv(numerator_, denominator_);
  if (floor > std::numeric_limits<int64_t>::max()) {
    return std::numeric_limits<int64_t>::max();
  }
  if (floor < std::numeric_limits<int64_t>::min()) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(floor);
}

int64_t ExactAmount::denominator() const {
  return FitsInt64() ? static_cast<int64_t>(denominator_) : 1;
}

void ExactAmount::Reduce() {
  const __int128 g = Gcd(numerator_, denominator_);
  if (g > 1) {
    numerator_ /= g;
    denominator_ /= g;
  }
}

ExactAmount ExactAmount::DividedBy(int64_t divisor) const {
  ExactAmount result(numerator_, denominator_ * divisor);
  result.Reduce();
  return result;
}

ExactAmount ExactAmount::Times(int64_t factor) const {
  ExactAmount result(numerator_ * factor, denominator_);
  result.Reduce();
  return result;
}

ExactAmount ExactAmount::TimesPercent(int64_t percent) const {
  ExactAmount result(numerator_ * percent, denominator_ * 100);
  result.Reduce();
  return result;
}

ExactAmount ExactAmount::Plus(const ExactAmount& other) const {
  ExactAmount result(
      numerator_ * other.denominator_ + other.numerator_ * denominator_,
      denominator_ * other.denominator_);
  result.Reduce();
  return result;
}

ExactAmount ExactAmount::Minus(const ExactAmount& other) const {
  return Plus(ExactAmount(-other.numerator_, other.denominator_));
}

int ExactAmount::Compare(const ExactAmount& other) const {
  const __int128 left = numerator_ * other.denominator_;
  const __int128 right = other.numerator_ * denominator_;
  return left < right ? -1 : (left > right ? 1 : 0);
}

std::string ExactAmount::FormatFenFloor() const {
  // Hundredths of a fen, rounded toward minus infinity.
  const __int128 hundredths = FloorDiv(numerator_ * 100, denominator_);
  const bool negative = hundredths < 0;
  const __int128 magnitude = negative ? -hundredths : hundredths;
  const int fraction = static_cast<int>(magnitude % 100);
  std::string out = negative ? "-" : "";
  out += WithSeparators(magnitude / 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  return out;
}

std::string ExactAmount::FormatYuanFloor() const {
  const __int128 hundredths_of_fen = FloorDiv(numerator_ * 100, denominator_);
  const bool negative = hundredths_of_fen < 0;
  const __int128 magnitude = negative ? -hundredths_of_fen : hundredths_of_fen;
  const bool whole_fen = magnitude % 100 == 0;
  const __int128 scaled = whole_fen ? magnitude / 100 : magnitude;
  const int decimals = whole_fen ? 2 : 4;
  __int128 unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string fraction = std::to_string(static_cast<int64_t>(scaled % unit));
  fraction.insert(0, decimals - fraction.size(), '0');
  std::string out = negative ? "-" : "";
  out += WithSeparators(scaled / unit);
  out.push_back('.');
  out += fraction;
  return out;
}

}  // namespace hedui::engine
