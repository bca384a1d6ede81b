#ifndef HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_
#define HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_

// Amounts of money that need not be whole fen (a monthly average, a
// per-capita share), kept exact as a fraction so that nothing is rounded
// before a comparison (domain.md §4).

#include <cstdint>
#include <string>

namespace hedui::engine {

class ExactAmount {
 public:
  // numerator / denominator fen. REQUIRES: denominator > 0.
  static ExactAmount Fraction(int64_t numerator_fen, int64_t denominator);
  static ExactAmount Fen(int64_t fen) { return Fraction(fen, 1); }

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

  // The amount in fen, its fraction rounded down (toward minus infinity) to
  // two decimals, with thousands separators: 88,499.9958 -> "88,499.99",
  // -5,000.041 -> "-5,000.05". A figure shown below a line is below it.
  std::string FormatFenFloor() const;
  // The same figure in yuan, for explanations: whole fen as "884.99", a
  // fraction of a fen with four decimals, rounded down: "884.9999".
  std::string FormatYuanFloor() const;

  // The reduced fraction. REQUIRES: both fit in 64 bits (amounts the engine
  // forms do: fen totals of a household over at most 120 months).
  int64_t numerator() const { return static_cast<int64_t>(numerator_); }
  int64_t denominator() const { return static_cast<int64_t>(denominator_); }

 private:
  ExactAmount(__int128 numerator, __int128 denominator)
      : numerator_(numerator), denominator_(denominator) {}
  void Reduce();

  __int128 numerator_;
  __int128 denominator_;  // > 0
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_ARITHMETIC_EXACT_AMOUNT_H_
