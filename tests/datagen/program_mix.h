#ifndef HEDUI_TESTS_DATAGEN_PROGRAM_MIX_H_
#define HEDUI_TESTS_DATAGEN_PROGRAM_MIX_H_

#include <vector>

#include "hedui/v1/codes.pb.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// One program's share of the workload: households and declared persons.
struct ProgramCount {
  hedui::v1::Program program;
  int households;
  int persons;
};

// The half-year workload of domain.md §1 (6,586 households, 15,080 persons)
// scaled to `applications` households: counts by largest remainder (they sum
// to `applications`), persons in proportion to each program's households.
// For 6,586 it is exactly domain.md's mix.
std::vector<ProgramCount> ScaleProgramMix(int applications);

// Household sizes for one program, summing exactly to `count.persons`
// (within the program's size range: 特困 households have 1 or 2 persons).
std::vector<int> DrawHouseholdSizes(Rng& rng, const ProgramCount& count);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_PROGRAM_MIX_H_
