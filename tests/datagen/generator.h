#ifndef HEDUI_TESTS_DATAGEN_GENERATOR_H_
#define HEDUI_TESTS_DATAGEN_GENERATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hedui::datagen {

struct GeneratorOptions {
  std::string out_dir;  // created if missing; files are overwritten
  uint64_t seed = 20261103;
  int64_t residents = 100000;  // household-registration rows, exactly
  int applications = 6586;     // domain.md §1's half-year workload
};

struct GeneratorSummary {
  int64_t residents = 0;
  int applications = 0;
  int64_t feed_rows = 0;  // all departments' data rows
};

// Writes the synthetic county into options.out_dir: one CSV per department
// (deploy/feeds/README.md), household_registration.gb18030.csv,
// applications.jsonl, labels.jsonl, requests.jsonl and manifest.json. The same
// options give the same bytes.
absl::StatusOr<GeneratorSummary> GenerateCounty(
    const GeneratorOptions& options);

}  // namespace hedui::datagen

#endif  // HEDUI_TESTS_DATAGEN_GENERATOR_H_
