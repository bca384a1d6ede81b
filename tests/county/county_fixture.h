#ifndef HEDUI_TESTS_COUNTY_COUNTY_FIXTURE_H_
#define HEDUI_TESTS_COUNTY_COUNTY_FIXTURE_H_

// Test-only: a synthetic county (tests/datagen) made ready for the engine:
// its department feeds parsed by the project's own feed parser and applied
// to a Store, its applications as VerificationRequest protos and its labels
// as structs. The expected results come only from labels.jsonl.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "storage/store.h"

namespace hedui::county {

// What the generator says a correct verifier must answer for one
// application (tests/datagen/README.md, "A label").
struct Label {
  std::string application_id;
  hedui::v1::Verdict verdict = hedui::v1::VERDICT_UNSPECIFIED;
  // Every criterion the program has, with its constructed result.
  std::map<hedui::v1::Finding::Criterion, hedui::v1::Finding::Result> criteria;
  std::vector<std::string> planted;  // e.g. "UNDECLARED_WAGES"
  std::string boundary;              // empty unless a threshold case
  // UNION_HARDSHIP only; UNION_TIER_UNSPECIFIED elsewhere.
  hedui::v1::UnionTier union_tier = hedui::v1::UNION_TIER_UNSPECIFIED;
  std::string why;
};

struct LoadStats {
  int departments = 0;
  int64_t records = 0;
  double parse_seconds = 0;  // summed over the parser threads
  double seconds = 0;        // wall clock, parse and apply
};

// Writes a county with hedui_datagen_lib (the same bytes as hedui-datagen
// with these options) into `dir`.
absl::Status GenerateCounty(const std::string& dir, int64_t residents,
                            uint64_t seed = 20261103);

// True when `dir` holds a county's manifest.json (a county to reuse).
bool HasCounty(const std::string& dir);

// Applies every department of `dir`/manifest.json to `store` as a full
// snapshot with the manifest's as-of date, each feed parsed whole first (a
// file with any error, or a key twice, is an error naming the department).
// The extra_files (the GB18030 copy) are left out. Departments are parsed
// on `threads` threads.
absl::StatusOr<LoadStats> LoadCounty(const std::string& dir,
                                     storage::Store* store, int threads = 2);

// applications.jsonl, one request per line in file order. A key the mapping
// does not know or a value no enum has is an error naming the line, so that
// nothing the generator declares is silently dropped.
absl::StatusOr<std::vector<hedui::v1::VerificationRequest>> ReadApplications(
    const std::string& dir);

// labels.jsonl, in file order (the order of applications.jsonl).
absl::StatusOr<std::vector<Label>> ReadLabels(const std::string& dir);

}  // namespace hedui::county

#endif  // HEDUI_TESTS_COUNTY_COUNTY_FIXTURE_H_
