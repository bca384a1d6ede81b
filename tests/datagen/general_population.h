#ifndef HEDUI_TESTS_DATAGEN_GENERAL_POPULATION_H_
#define HEDUI_TESTS_DATAGEN_GENERAL_POPULATION_H_

#include <cstdint>

#include "tests/datagen/county.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// Adds ordinary households (1–6 persons, both regions, urban and rural) with
// all their department records until the county has exactly `target`
// residents. None of them is declared in an application, so nothing here
// decides a label; they make the county realistic in size and variety
// (remarriages, deaths, moves, pensions with back pay, shares, businesses).
void GenerateGeneralPopulation(County& county, Rng& rng, int64_t target);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_GENERAL_POPULATION_H_
