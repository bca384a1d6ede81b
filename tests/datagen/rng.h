#ifndef HEDUI_TESTS_DATAGEN_RNG_H_
#define HEDUI_TESTS_DATAGEN_RNG_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace hedui::datagen {

// A small, fully specified PRNG (xoshiro256**, seeded by SplitMix64) with its
// own integer distributions. std:: distributions differ between standard
// libraries, and the generated county must be the same bytes everywhere for a
// seed.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  // A seed for an independent stream `stream` of `seed`: each part of the
  // county draws from its own stream, so changing one part leaves the others'
  // draws alone.
  static uint64_t Derive(uint64_t seed, uint64_t stream);

  uint64_t Next();
  // Uniform in [lo, hi], both included; REQUIRES lo <= hi.
  int64_t Uniform(int64_t lo, int64_t hi);
  // True with probability per_mille / 1000.
  bool PerMille(int per_mille);
  // An index drawn with probability proportional to its weight; REQUIRES a
  // positive total.
  size_t Weighted(absl::Span<const int> weights);

  template <typename T>
  const T& Pick(absl::Span<const T> items) {
    return items[static_cast<size_t>(
        Uniform(0, static_cast<int64_t>(items.size()) - 1))];
  }

 private:
  uint64_t s_[4];
};

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_RNG_H_
