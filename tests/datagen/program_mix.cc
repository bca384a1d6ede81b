#include "tests/datagen/program_mix.h"

#include <algorithm>
#include <cstdint>

namespace hedui::datagen {
namespace {

using hedui::v1::Program;

struct BaseShare {
  Program program;
  int households;
  int persons;
  int min_size;
  int max_size;
  // Relative weights of sizes 1..7, before the sum is adjusted exactly.
  int size_weights[7];
};

// domain.md §1.
constexpr BaseShare kBase[] = {
    {hedui::v1::DIBAO, 5266, 12240, 1, 6, {30, 27, 23, 12, 6, 2, 0}},
    {hedui::v1::TEKUN, 459, 475, 1, 2, {97, 3, 0, 0, 0, 0, 0}},
    {hedui::v1::HOUSING, 474, 1065, 1, 6, {30, 30, 22, 11, 5, 2, 0}},
    {hedui::v1::TEMPORARY, 343, 1159, 1, 7, {8, 17, 28, 26, 13, 6, 2}},
    {hedui::v1::MEDICAL, 23, 70, 1, 6, {10, 25, 30, 20, 10, 5, 0}},
    {hedui::v1::UNION_HARDSHIP, 21, 71, 1, 6, {5, 20, 30, 25, 15, 5, 0}},
};
constexpr int kBaseHouseholds = 6586;

const BaseShare& Base(Program program) {
  for (const BaseShare& b : kBase) {
    if (b.program == program) return b;
  }
  return kBase[0];
}

}  // namespace

std::vector<ProgramCount> ScaleProgramMix(int applications) {
  std::vector<ProgramCount> counts;
  std::vector<int64_t> remainders;
  int assigned = 0;
  for (const BaseShare& b : kBase) {
    const int64_t scaled = static_cast<int64_t>(applications) * b.households;
    counts.push_back(
        {b.program, static_cast<int>(scaled / kBaseHouseholds), 0});
    remainders.push_back(scaled % kBaseHouseholds);
    assigned += counts.back().households;
  }
  // Largest remainder; ties go to the program listed first.
  while (assigned < applications) {
    size_t best = 0;
    for (size_t i = 1; i < remainders.size(); ++i) {
      if (remainders[i] > remainders[best]) best = i;
    }
    ++counts[best].households;
    remainders[best] = -1;
    ++assigned;
  }
  for (ProgramCount& c : counts) {
    const BaseShare& b = Base(c.program);
    // Round half up: persons = base persons × households / base households.
    const int64_t persons =
        (2 * static_cast<int64_t>(b.persons) * c.households + b.households) /
        (2 * b.households);
    c.persons = static_cast<int>(std::clamp<int64_t>(
        persons, static_cast<int64_t>(c.households) * b.min_size,
        static_cast<int64_t>(c.households) * b.max_size));
  }
  return counts;
}

std::vector<int> DrawHouseholdSizes(Rng& rng, const ProgramCount& count) {
  const BaseShare& b = Base(count.program);
  std::vector<int> sizes;
  int total = 0;
  for (int i = 0; i < count.households; ++i) {
    int size = 1 + static_cast<int>(rng.Weighted(b.size_weights));
    size = std::clamp(size, b.min_size, b.max_size);
    sizes.push_back(size);
    total += size;
  }
  // Nudge random households one person at a time until the sum is exact.
  while (total != count.persons && !sizes.empty()) {
    const size_t i = static_cast<size_t>(
        rng.Uniform(0, static_cast<int64_t>(sizes.size()) - 1));
    if (total > count.persons && sizes[i] > b.min_size) {
      --sizes[i];
      --total;
    } else if (total < count.persons && sizes[i] < b.max_size) {
      ++sizes[i];
      ++total;
    }
  }
  return sizes;
}

}  // namespace hedui::datagen
