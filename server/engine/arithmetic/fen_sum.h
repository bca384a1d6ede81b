#ifndef HEDUI_SERVER_ENGINE_ARITHMETIC_FEN_SUM_H_
#define HEDUI_SERVER_ENGINE_ARITHMETIC_FEN_SUM_H_

// A sum of stored amounts (fen, or 0.01 m² × share), kept in 128 bits.
// Department records are never refused for their size (issue 14, defect 5):
// each is an int64 that may be near INT64_MAX, and a household may hold any
// number of them, so an int64 total could wrap and flip a verdict (defect
// 11). 128 bits hold 2^64 terms of INT64_MAX, far more records than a
// household can have in memory; terms that are products (area × share,
// at most 2^63 × 10,000) leave 2^50 records of headroom.

#include <cstdint>

#include "server/engine/arithmetic/exact_amount.h"

namespace hedui::engine {

class FenSum {
 public:
  void Add(int64_t fen) { total_ += fen; }
  // a × b, exact (an area in 0.01 m² times a share in 1/10,000).
  void AddProduct(int64_t a, int64_t b) {
    total_ += static_cast<__int128>(a) * b;
  }
  void Add(const FenSum& other) { total_ += other.total_; }

  // The total as an exact amount; divided by `denominator` (> 0).
  ExactAmount Amount(int64_t denominator = 1) const {
    return ExactAmount::Fraction128(total_, denominator);
  }
  bool IsZero() const { return total_ == 0; }
  // -1, 0 or 1 against `other`.
  int Compare(const FenSum& other) const {
    return total_ < other.total_ ? -1 : (total_ > other.total_ ? 1 : 0);
  }
  // this × a compared with other × b, exactly (a, b ≥ 0 and small: months,
  // multiples): -1, 0 or 1.
  int CompareScaled(int64_t a, const FenSum& other, int64_t b) const;

 private:
  __int128 total_ = 0;
};

}  // namespace hedui::engine

#endif  // HEDUI_SERVER_ENGINE_ARITHMETIC_FEN_SUM_H_
