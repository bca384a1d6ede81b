#ifndef HEDUI_TESTS_DATAGEN_APPLICANT_BUILDER_H_
#define HEDUI_TESTS_DATAGEN_APPLICANT_BUILDER_H_

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/datagen/case_plan.h"
#include "tests/datagen/county.h"
#include "tests/datagen/rng.h"

namespace hedui::datagen {

// One line of applications.jsonl and its line of labels.jsonl.
struct BuiltApplication {
  nlohmann::ordered_json application;
  nlohmann::ordered_json label;
};

// Builds the household `plan` describes: registers its people, writes all
// their department rows and returns the application and its label. The
// label is the plan's; the builder re-derives each criterion from what it
// built and fails (an internal error, a generator bug) if they disagree.
absl::StatusOr<BuiltApplication> BuildApplication(County& county, Rng& rng,
                                                  const CasePlan& plan);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_APPLICANT_BUILDER_H_
