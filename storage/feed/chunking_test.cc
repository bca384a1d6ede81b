// A file gives the same rows and errors however it is cut into chunks.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

using testing::Describe;
using testing::Parse;

// Valid rows mixed with one of most kinds of error, CRLF and LF, quoted
// fields, multi-byte text and a BOM: every place a chunk boundary can fall.
std::string MixedTaxFile() {
  std::string file =
      "\xEF\xBB\xBFperson_id,period,income_type,amount_yuan,payer,pay_date\r\n";
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&file, "320581198001010013,2026-", 10 + i % 3, ",WAGE,",
                    1000 + i, ".5,\"常熟 \"\"纺织\"\", 有限公司\",2026-11-05",
                    i % 2 ? "\r\n" : "\n");
  }
  absl::StrAppend(
      &file, "320581198001010012,2026-10,WAGE,-3,苏州,2026-11-05\n",  // 2 bad
      "320581198001010013,2026-10,SALARY,3,\"unclosed\n",
      "\n",  // empty line, not last
      "320581198001010013,2026-10,WAGE,3,a\"b,2026-11-05\r\n",
      "320581198001010013,2026-10,WAGE\n",
      "320581198001010013,2026-10,WAGE,3,\"x\"y,2026-11-05\n",
      "320581198001010013,2026-10,WAGE,3,苏\x1f州,2026-11-05\n");
  for (int i = 0; i < 10; ++i) {
    absl::StrAppend(&file, "320581198001010013,2026-10,WAGE,", i,
                    ",\"a,b\",2026-11-0", 1 + i % 9, "\r\n");
  }
  absl::StrAppend(&file, "320581198001010013,2026-10,WAGE,3,常熟,2026-11-05");
  return file;
}

void ExpectSameInEveryChunking(const FeedParserOptions& options,
                               const std::string& file) {
  const std::string whole = Describe(Parse(options, file));
  std::vector<size_t> one = {1};
  EXPECT_EQ(Describe(Parse(options, file, one)), whole);
  std::mt19937 random(20261128);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<size_t> sizes;
    for (int i = 0; i < 16; ++i) {
      sizes.push_back(std::uniform_int_distribution<size_t>(1, 40)(random));
    }
    ASSERT_EQ(Describe(Parse(options, file, sizes)), whole) << trial;
  }
}

TEST(ChunkingTest, Utf8FileGivesTheSameResultInAnyChunks) {
  const std::string file = MixedTaxFile();
  const std::string whole = Describe(Parse({hedui::v1::TAX}, file));
  // The file exercises both rows and errors.
  EXPECT_NE(whole.find("row line=41 "), std::string::npos) << whole;
  EXPECT_NE(whole.find("error_count=8"), std::string::npos) << whole;
  ExpectSameInEveryChunking({hedui::v1::TAX}, file);
}

TEST(ChunkingTest, ValidFileGivesTheSameRowsInAnyChunks) {
  std::string file = MixedTaxFile();
  file = file.substr(0, file.find("320581198001010012"));
  const std::string whole = Describe(Parse({hedui::v1::TAX}, file));
  EXPECT_NE(whole.find("ok=1 rows_seen=40 error_count=0"), std::string::npos);
  ExpectSameInEveryChunking({hedui::v1::TAX}, file);
}

TEST(ChunkingTest, Gb18030FileGivesTheSameResultInAnyChunks) {
  const std::string file = MixedTaxFile();
  const FeedParserOptions gb{hedui::v1::TAX, TextEncoding::kGb18030};
  const std::string gb_file = testing::ToGb18030(file);
  // Decoded, the file is the UTF-8 one.
  EXPECT_EQ(Describe(Parse(gb, gb_file)),
            Describe(Parse({hedui::v1::TAX}, file)));
  ExpectSameInEveryChunking(gb, gb_file);
  // And with an invalid byte in the middle.
  ExpectSameInEveryChunking(
      gb, gb_file.substr(0, 3000) + "\xFF" + gb_file.substr(3000));
}

TEST(ChunkingTest, EncodingErrorAtTheSamePlaceInAnyChunks) {
  std::string file = MixedTaxFile();
  file.insert(2000, "\xE4\xB8");  // an incomplete character
  ExpectSameInEveryChunking({hedui::v1::TAX}, file);
}

}  // namespace
}  // namespace hedui::feed
