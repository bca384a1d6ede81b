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
ParsedFeed Sequential(const std::string& file,
                      feed::TextEncoding encoding = feed::TextEncoding::kUtf8) {
  feed::FeedParserOptions options;
  options.department = hedui::v1::TAX;
  options.encoding = encoding;
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
                    size_t chunk_bytes,
                    feed::TextEncoding encoding = feed::TextEncoding::kUtf8) {
  feed::FeedParserOptions options;
  options.department = hedui::v1::TAX;
  options.encoding = encoding;
  ParallelFeedParser parser(options, 2, block_bytes);
  for (size_t i = 0; i < file.size(); i += chunk_bytes) {
    parser.Consume(file.substr(i, chunk_bytes));
  }
  return parser.Finish();
}

void ExpectSame(const std::string& file, const std::string& what,
                feed::TextEncoding encoding = feed::TextEncoding::kUtf8) {
  ParsedFeed want = Sequential(file, encoding);
  for (size_t block : {1u, 7u, 64u, 300u, 1u << 20}) {
    for (size_t chunk : {1u, 13u, 4096u}) {
      ParsedFeed got = Parallel(file, block, chunk, encoding);
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

TEST(ParallelFeedParserTest, LongLinesGetTheSequentialParsersErrors) {
  std::string rows = kHeader;
  for (int i = 0; i < 5; ++i) absl::StrAppend(&rows, Row(i));
  const std::string long_line(70000, 'x');
  std::string cr_only;
  for (int i = 0; i < 40000; ++i) cr_only += "ab\r";
  ExpectSame(long_line, "a header too long");
  ExpectSame(cr_only, "CR line ends only");
  ExpectSame(rows + long_line, "a long last line");
  ExpectSame(rows + long_line + "\n" + Row(9), "a long line mid-file");
  ExpectSame(rows + std::string(65536, 'x') + "\r\n" + Row(9),
             "a line of exactly the limit");
  ExpectSame(rows + std::string(65537, 'x') + "\r\n" + Row(9),
             "a line one byte over");
  ExpectSame(rows + std::string(40000, 'x') + "\xFF" + long_line,
             "bad UTF-8 inside a long line");
}

TEST(ParallelFeedParserTest, TheLimitCountsDecodedTextNotFileBytes) {
  // GB18030 0x81308438 is U+00A9: four bytes in the file, two in UTF-8.
  // 20,000 of them are 80,000 bytes on the wire but 40,000 decoded: within
  // the limit, so the row fails on its content, not its length.
  std::string gb = kHeader;
  std::string wide;
  for (int i = 0; i < 20000; ++i) wide += "\x81\x30\x84\x38";
  absl::StrAppend(&gb, Row(1), wide, "\n", Row(2));
  ExpectSame(gb, "GB18030 long on the wire", feed::TextEncoding::kGb18030);
  const ParsedFeed got =
      Parallel(gb, 1 << 20, 4096, feed::TextEncoding::kGb18030);
  ASSERT_EQ(got.error_count, 1);
  EXPECT_EQ(got.errors[0].line, 3);
  EXPECT_EQ(got.errors[0].message.find("65536"), std::string::npos);
  // Twice as many decode to 80,000 bytes: too long.
  absl::StrAppend(&gb, wide, wide, "\n");
  ExpectSame(gb, "GB18030 too long decoded", feed::TextEncoding::kGb18030);
}

TEST(ParallelFeedParserTest, ALineWithoutEndIsRefusedBeforeMoreIsHeld) {
  constexpr size_t kChunk = 4096;
  feed::FeedParserOptions options;
  options.department = hedui::v1::TAX;
  ParallelFeedParser parser(options, 2);
  ASSERT_TRUE(parser.Consume(absl::StrCat(kHeader, Row(1), Row(2))));
  size_t consumed = 0;
  bool refused = false;
  while (!refused && consumed < (64u << 20)) {
    consumed += kChunk;
    refused = !parser.Consume(std::string(kChunk, '\r'));
  }
  ASSERT_TRUE(refused);
  EXPECT_LE(consumed, feed::kMaxFeedLineBytes + kChunk);
  EXPECT_FALSE(parser.Consume(Row(3)));
  const ParsedFeed result = parser.Finish();
  ASSERT_EQ(result.error_count, 1);
  EXPECT_EQ(result.errors[0].line, 4);
  EXPECT_NE(result.errors[0].message.find("longer than 65536 bytes"),
            std::string::npos);
  EXPECT_NE(result.errors[0].message.find("a CR alone is not a line end"),
            std::string::npos);
  EXPECT_EQ(result.rows, 2);
}

}  // namespace
}  // namespace hedui::server
