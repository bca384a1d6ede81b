#ifndef HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_
#define HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_

// Amounts of money that need not be whole fen (a monthly average, a
// per-capita share), kept exact as a fraction so that nothing is rounded
// before a comparison (domain.md §4).
//
// Headroom: numerators and denominators are 128 bits. Numerators are sums of
// stored int64 amounts (< 2^63 each, FenSum) over a household's records;
// denominators are products of small policy numbers (months ≤ 120, 12,
// members ≤ 50, percent 100, share 10,000: < 2^40). A product of one with
// the other stays below 2^127 for any household of fewer than 2^24 records
// of INT64_MAX, and far more of real sizes.

#include <cstdint>
#include <string>

namespace hedui::engine {

class ExactAmount {
 public:
  // numerator / denominator fen. REQUIRES: denominator > 0.
  static ExactAmount Fraction(int64_t numerator_fen, int64_t denominator);
  static ExactAmount Fen(int64_t fen) { return Fraction(fen, 1); }
  // A numerator beyond int64: a sum of stored amounts (FenSum).
  static ExactAmount Fraction128(__int128 numerator_fen, int64_t denominator);

  // Exact arithmetic; the intermediate products use 128 bits.
  ExactAmount DividedBy(int64_t divisor) const;  // REQUIRES: divisor > 0
  ExactAmount Times(int64_t factor) const;
  ExactAmount TimesPercent(int64_t percent) const;  // × percent / 100
  ExactAmount Plus(const ExactAmount& other) const;
  ExactAmount Minus(const ExactAmount& other) const;

  // -1, 0 or 1, by cross-multiplying (never through floating point).
  int Compare(const ExactAmount& other) const;
  bool operator<(const ExactAmount& o) const { return Compare(o) < 0; }
  bool operator==(const ExactAmount& o) const { return Compare(o) == 0; }
  bool operator!=(const ExactAmount& o) const { return Compare(o) != 0; }

  // The amount in fen, its fraction rounded down (toward minus infinity) to
  // two decimals, with thousands separators: 88,499.9958 -> "88,499.99",
  // -5,000.041 -> "-5,000.05". A figure shown below a line is below it.
  std::string FormatFenFloor() const;
  // The same figure in yuan, for explanations: whole fen as "884.99", a
  // fraction of a fen with four decimals, rounded down: "884.9999".
  std::string FormatYuanFloor() const;

  // The reduced fraction, when both fit in 64 bits (FitsInt64). Amounts made
  // from a request always do (request_limits.h); a sum of stored records may
  // not (FenSum), and then these saturate: numerator() is the value rounded
  // down and clamped to int64, denominator() is 1. The text forms above are
  // exact whatever the size, and comparisons are made on the exact fraction.
  bool FitsInt64() const;
  int64_t numerator() const;
  int64_t denominator() const;

 private:
  ExactAmount(__int128 numerator, __int128 denominator)
      : numerator_(numerator), denominator_(denominator) {}
  void Reduce();

  __int128 numerator_;
  __int128 denominator_;  // > 0
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_
