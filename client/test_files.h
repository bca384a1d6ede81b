#ifndef HEDUI_CLIENT_TEST_FILES_H_
#define HEDUI_CLIENT_TEST_FILES_H_

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hedui::cli::testing {

// Writes `content` to a file named after the running test and `name` under
// the test temp dir, and returns its path.
inline std::string WriteTempFile(const std::string& name,
                                 const std::string& content) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path =
      absl::StrCat(::testing::TempDir(), "hedui_cli_", info->test_suite_name(),
                   "_", info->name(), "_", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  EXPECT_TRUE(out) << "cannot write " << path;
  return path;
}

// A feed-like CSV of about `bytes` bytes: a header line, then rows.
inline std::string CsvOfSize(size_t bytes) {
  std::string csv = "person_id,period,amount_yuan\n";
  for (int i = 0; csv.size() < bytes; ++i) {
    absl::StrAppend(&csv, "row", i, ",2026-10,", i % 10000, ".50\n");
  }
  return csv;
}

}  // namespace hedui::cli::testing

#endif  // HEDUI_CLIENT_TEST_FILES_H_
