#ifndef HEDUI_TESTS_DATAGEN_APPLICANT_ASSETS_H_
#define HEDUI_TESTS_DATAGEN_APPLICANT_ASSETS_H_

#include <cstdint>

#include "tests/datagen/applicant_household.h"
#include "tests/datagen/county.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// What an applicant household holds, as built (and written to the feeds),
// next to what it declares.
struct AssetFacts {
  int64_t financial_fen = 0;
  int64_t declared_financial_fen = 0;
  int64_t financial_limit_fen = 0;  // 24 × standard × counted members
  int residential = 0;
  int declared_residential = 0;
  int non_residential = 0;
  int declared_non_residential = 0;
  // Σ area (0.01 m²) × share (1/10000) over residential holdings: the floor
  // area by share, scaled by 10000.
  int64_t residential_area_by_share = 0;
  int vehicles = 0;
  int declared_vehicles = 0;
  bool car_or_truck = false;
  enum class Business {
    kNone,
    kInactiveOnly,        // dissolved or revoked: passes
    kCompanyActive,       // FAIL
    kIndividualInLimit,   // REVIEW
    kIndividualOverLimit  // FAIL
  };
  Business business = Business::kNone;
};

// Gives the household the financial assets, real estate, vehicles and
// business roles its plan calls for and writes their rows.
AssetFacts BuildAssets(County& county, Rng& rng, ApplicantHousehold& household);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_APPLICANT_ASSETS_H_
