#include "server/ingest/parallel_feed_parser.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058219750615%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

constexpr char kHeader[] =
    "person_id,period,income_type,amount_yuan,payer,pay_date\n";

std::string Row(int n, const std::string& amount = "10.00") {
  return absl::StrCat(PersonId(n), ",2026-09,WAGE,", amount, ",P", n,
                      ",2026-10-15\n");
}

// What one sequential FeedParser makes of the file: the reference.
ParsedFeed Sequential(const std::string& file) {
  feed::FeedParserOptions options;
  options.department = hedui::v1::TAX;
  feed::FeedParser parser(options);
  ParsedFeed result;
  auto collect = [&](feed::FeedRow&& row) {
    result.records.Add(row.person_id, row.natural_key, row.record, row.line);
  };
  parser.Consume(file, collect);
  parser.Finish(collect);
  result.errors = parser.errors();
  result.error_count = parser.error_count();
  result.rows = parser.rows();
  return result;
}

ParsedFeed Parallel(const std::string& file, size_t block_bytes,
                    size_t chunk_bytes) {
  feed::FeedParserOptions options;
  options.department = hedui::v1::TAX;
  ParallelFeedParser parser(options, 2, block_bytes);
  for (size_t i = 0; i < file.size(); i += chunk_bytes) {
    parser.Consume(file.substr(i, chunk_bytes));
  }
  return parser.Finish();
}

void ExpectSame(const std::string& file, const std::string& what) {
  ParsedFeed want = Sequential(file);
  for (size_t block : {1u, 7u, 64u, 300u, 1u << 20}) {
    for (size_t chunk : {1u, 13u, 4096u}) {
      ParsedFeed got = Parallel(file, block, chunk);
      SCOPED_TRACE(absl::StrCat(what, ", block ", block, ", chunk ", chunk));
      EXPECT_EQ(got.rows, want.rows);
      EXPECT_EQ(got.error_count, want.error_count);
      ASSERT_EQ(got.errors.size(), want.errors.size());
      for (size_t i = 0; i < want.errors.size(); ++i) {
        EXPECT_EQ(got.errors[i].line, want.errors[i].line);
        EXPECT_EQ(got.errors[i].column, want.errors[i].column);
        EXPECT_EQ(got.errors[i].message, want.errors[i].message);
      }
      // With errors the file is rejected whole; which rows were emitted
      // before the first error does not matter.
      if (want.error_count > 0) continue;
      ASSERT_EQ(got.records.size(), want.records.size());
      got.records.Sort();
      want.records.Sort();
      for (size_t i = 0; i < want.records.size(); ++i) {
        EXPECT_EQ(got.records[i].value, want.records[i].value);
        EXPECT_EQ(got.records[i].line, want.records[i].line);
      }
    }
  }
}

TEST(ParallelFeedParserTest, ValidFileGivesTheSameRowsAndLines) {
  std::string file = kHeader;
  for (int i = 0; i < 40; ++i) absl::StrAppend(&file, Row(i));
  ExpectSame(file, "valid");
  ExpectSame(file + "\n", "final empty line");
  ExpectSame("\xEF\xBB\xBF" + file, "BOM");
}

TEST(ParallelFeedParserTest, ErrorsKeepTheirLinesAcrossBlocks) {
  std::string file = kHeader;
  for (int i = 0; i < 30; ++i) {
    absl::StrAppend(&file, Row(i, i % 7 == 3 ? "-1" : "10.00"));
    if (i == 17) absl::StrAppend(&file, "\n");  // an empty line mid-file
  }
  ExpectSame(file, "bad amounts and an empty line");
  ExpectSame(file + "\n\n", "two empty lines at the end");
}

TEST(ParallelFeedParserTest, HeaderAndEmptyFileErrorsStandAlone) {
  std::string wrong =
      "person_id,month,income_type,amount_yuan,payer,pay_date\n";
  for (int i = 0; i < 20; ++i) absl::StrAppend(&wrong, Row(i));
  ExpectSame(wrong, "wrong header");
  ExpectSame("", "empty file");
  ExpectSame("\n", "a lone newline");
}

TEST(ParallelFeedParserTest, RandomCutsMatchTheSequentialParser) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::string file = kHeader;
    const int rows = 1 + static_cast<int>(rng() % 50);
    for (int i = 0; i < rows; ++i) {
      switch (rng() % 10) {
        case 0:
          absl::StrAppend(&file, "\n");
          break;
        case 1:
          absl::StrAppend(&file, "not,a,row\n");
          break;
        default:
          absl::StrAppend(&file, Row(i));
      }
    }
    ExpectSame(file, absl::StrCat("round ", round));
  }
}

}  // namespace
}  // namespace hedui::server
