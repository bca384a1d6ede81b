// The files shipped with the repository: every example in
// deploy/feeds/examples parses cleanly, and every broken file in
// tests/data/bad_feeds fails as its MANIFEST.tsv says.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

namespace fs = std::filesystem;
using testing::Describe;
using testing::ReadFileOrDie;

const fs::path kSourceDir = HEDUI_SOURCE_DIR;

TEST(CorpusTest, EveryExampleParses) {
  const fs::path dir = kSourceDir / "deploy/feeds/examples";
  std::set<std::string> seen;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    SCOPED_TRACE(file);
    ASSERT_TRUE(absl::EndsWith(file, ".csv"));
    absl::string_view name(file);
    name.remove_suffix(4);
    const bool delta = absl::ConsumeSuffix(&name, ".delta");
    absl::StatusOr<hedui::v1::Department> department =
        ParseDepartmentName(absl::AsciiStrToUpper(name));
    ASSERT_TRUE(department.ok()) << department.status();
    const testing::ParseResult result =
        testing::Parse({*department, TextEncoding::kUtf8, delta},
                       ReadFileOrDie(entry.path().string()));
    EXPECT_TRUE(result.ok) << Describe(result);
    EXPECT_GE(result.rows.size(), 3u);
    EXPECT_EQ(static_cast<int64_t>(result.rows.size()), result.rows_seen);
    seen.insert(file);
  }
  // One per department, plus the delta example.
  EXPECT_EQ(seen.size(), 14u);
  EXPECT_EQ(seen.count("tax.delta.csv"), 1u);
}

TEST(CorpusTest, EveryBadFeedFailsAsTheManifestSays) {
  const fs::path dir = kSourceDir / "tests/data/bad_feeds";
  const std::string manifest = ReadFileOrDie((dir / "MANIFEST.tsv").string());
  std::set<std::string> listed;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(manifest, '\n')) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = absl::StrSplit(line, '\t');
    ASSERT_EQ(cells.size(), 7u) << line;
    if (header) {
      EXPECT_EQ(line,
                "file\tdepartment\tencoding\tdelta\tline\tfield\tmessage");
      header = false;
      continue;
    }
    SCOPED_TRACE(cells[0]);
    listed.insert(cells[0]);
    absl::StatusOr<hedui::v1::Department> department =
        ParseDepartmentName(cells[1]);
    ASSERT_TRUE(department.ok()) << department.status();
    ASSERT_TRUE(cells[2] == "UTF8" || cells[2] == "GB18030");
    ASSERT_TRUE(cells[3] == "0" || cells[3] == "1");
    int64_t expected_line = 0;
    ASSERT_TRUE(absl::SimpleAtoi(cells[4], &expected_line));
    const FeedParserOptions options{
        *department,
        cells[2] == "GB18030" ? TextEncoding::kGb18030 : TextEncoding::kUtf8,
        cells[3] == "1"};
    const testing::ParseResult result =
        testing::Parse(options, ReadFileOrDie((dir / cells[0]).string()));
    // The manifest describes the first error; a broken line can cause more
    // (a quoted field split over two lines breaks both).
    ASSERT_GE(result.error_count, 1) << Describe(result);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.errors[0].line, expected_line);
    EXPECT_EQ(result.errors[0].field, cells[5]);
    EXPECT_TRUE(absl::StrContains(result.errors[0].message, cells[6]))
        << result.errors[0].message;
  }
  // Every file in the corpus is listed.
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file == "MANIFEST.tsv") continue;
    EXPECT_EQ(listed.count(file), 1u) << file << " is not in MANIFEST.tsv";
  }
  EXPECT_GE(listed.size(), 15u);
}

}  // namespace
}  // namespace hedui::feed
