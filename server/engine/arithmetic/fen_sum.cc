#include "server/engine/arithmetic/fen_sum.h"

namespace hedui::engine {

int FenSum::CompareScaled(int64_t a, const FenSum& other, int64_t b) const {
  return ExactAmount::Fraction128(total_, 1).Times(a).Compare(
      ExactAmount::Fraction128(other.total_, 1).Times(b));
}

}  // namespace hedui::engine
