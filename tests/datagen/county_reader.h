#ifndef HEDUI_TESTS_DATAGEN_COUNTY_READER_H_
#define HEDUI_TESTS_DATAGEN_COUNTY_READER_H_

// Test-only: reads a generated county back from its files, without any of
// the generator's code, so that the tests check what was written rather than
// what the generator meant to write.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace hedui::datagen::testing {

// One CSV file. Fields are views into `text`; generated fields are never
// quoted, so a row is its line split at commas (feed_format_test checks that
// no quote appears).
struct Table {
  std::string text;
  std::vector<std::string> header;
  size_t columns = 0;
  std::vector<absl::string_view> cells;  // rows × columns
  std::vector<size_t> bad_rows;  // 1-based lines with a wrong column count
  absl::flat_hash_map<absl::string_view, std::vector<size_t>> by_person;

  size_t rows() const { return columns == 0 ? 0 : cells.size() / columns; }
  absl::string_view at(size_t row, size_t column) const {
    return cells[row * columns + column];
  }
  int column(absl::string_view name) const;  // -1 when absent
  // The rows of `person_id` (first column).
  const std::vector<size_t>& OfPerson(absl::string_view person_id) const;
};

absl::StatusOr<Table> ReadTable(const std::string& path);
absl::StatusOr<std::string> ReadFile(const std::string& path);

struct County {
  std::string dir;
  nlohmann::json manifest;
  std::map<std::string, Table> tables;  // by department code
  std::vector<nlohmann::json> applications;
  std::vector<nlohmann::json> labels;

  const Table& table(const std::string& department) const {
    return tables.at(department);
  }
};

absl::StatusOr<County> ReadCounty(const std::string& dir);

// The county of the default options (seed, 100,000 residents, 6,586
// applications), generated once per test binary.
const County& DefaultCounty();
const std::string& DefaultCountyDir();

// A fresh directory under the test temporary directory.
std::string NewTempDir(const std::string& name);

}  // namespace hedui::datagen::testing

#endif  // HEDUI_TESTS_DATAGEN_COUNTY_READER_H_
