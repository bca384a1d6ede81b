#include "storage/feed/csv_line.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/feed/line_reader.h"

namespace hedui::feed {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Split(absl::string_view line) {
  std::vector<absl::string_view> fields;
  std::string scratch;
  const CsvSplit split = SplitCsvLine(line, &fields, &scratch);
  EXPECT_EQ(split.problem, CsvProblem::kNone) << line;
  return std::vector<std::string>(fields.begin(), fields.end());
}

CsvSplit Problem(absl::string_view line) {
  std::vector<absl::string_view> fields;
  std::string scratch;
  return SplitCsvLine(line, &fields, &scratch);
}

TEST(CsvLineTest, SplitsPlainAndQuotedFields) {
  EXPECT_THAT(Split("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Split(""), ElementsAre(""));
  EXPECT_THAT(Split(",,"), ElementsAre("", "", ""));
  EXPECT_THAT(Split("\"a,b\",\"\",c"), ElementsAre("a,b", "", "c"));
  EXPECT_THAT(Split("\"x \"\"y\"\" z\",\"\"\"\",\"a\"\"\""),
              ElementsAre("x \"y\" z", "\"", "a\""));
  EXPECT_THAT(Split("a,\"b\""), ElementsAre("a", "b"));
  EXPECT_THAT(Split(" a , b "), ElementsAre(" a ", " b "));
  EXPECT_THAT(Split("张三,\"苏E,1\""), ElementsAre("张三", "苏E,1"));
}

TEST(CsvLineTest, ReportsProblemsWithTheirColumn) {
  struct Case {
    std::string line;
    CsvProblem problem;
    int column;
  };
  const Case cases[] = {
      {"a,b\"c", CsvProblem::kQuoteInUnquotedField, 2},
      {"a, \"b\"", CsvProblem::kQuoteInUnquotedField, 2},
      {"\"a\"b,c", CsvProblem::kTextAfterClosingQuote, 1},
      {"a,\"b,c", CsvProblem::kUnclosedQuote, 2},
      {"a,\"b\"\"", CsvProblem::kUnclosedQuote, 2},
      {std::string("a,b,c\0", 6), CsvProblem::kNul, 3},
      {std::string("a,\"\0\"", 5), CsvProblem::kNul, 2},
      {"a\x1f", CsvProblem::kUnitSeparator, 1},
      {"a,b\rc", CsvProblem::kCarriageReturn, 2},
      {"a,\"b\rc\"", CsvProblem::kCarriageReturn, 2},
  };
  for (const Case& c : cases) {
    const CsvSplit split = Problem(c.line);
    EXPECT_EQ(split.problem, c.problem) << c.line;
    EXPECT_EQ(split.column, c.column) << c.line;
    EXPECT_STRNE(DescribeCsvProblem(split.problem), "");
  }
}

TEST(CsvLineTest, ColumnOfAnIncompleteLine) {
  EXPECT_EQ(CsvColumnAt(""), 1);
  EXPECT_EQ(CsvColumnAt("a,b"), 2);
  EXPECT_EQ(CsvColumnAt("a,\"b,c"), 2);
  EXPECT_EQ(CsvColumnAt("a,\"b\"\",c\","), 3);
}

struct Line {
  int64_t number;
  std::string text;
  bool terminated;
  bool operator==(const Line& o) const {
    return number == o.number && text == o.text && terminated == o.terminated;
  }
};

std::vector<Line> ReadLines(const std::string& text, size_t chunk) {
  LineReader reader(16);
  std::vector<Line> lines;
  const auto sink = [&](int64_t number, absl::string_view line,
                        bool terminated) {
    lines.push_back({number, std::string(line), terminated});
    return true;
  };
  for (size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_EQ(reader.Feed(absl::string_view(text).substr(i, chunk), sink),
              LineReader::Result::kOk);
  }
  EXPECT_EQ(reader.Finish(sink), LineReader::Result::kOk);
  return lines;
}

TEST(LineReaderTest, SplitsLinesAcrossAnyChunks) {
  const std::string text = "ab\r\n\ncd\r\ne\rf\ng";
  const std::vector<Line> expected = {{1, "ab", true},
                                      {2, "", true},
                                      {3, "cd", true},
                                      {4, "e\rf", true},
                                      {5, "g", false}};
  for (size_t chunk : {1, 2, 3, 100}) {
    EXPECT_EQ(ReadLines(text, chunk), expected) << chunk;
  }
  // A trailing line end leaves no last line; a CR without LF at the end
  // stays for the CSV check to refuse.
  EXPECT_EQ(ReadLines("a\n", 1), (std::vector<Line>{{1, "a", true}}));
  EXPECT_EQ(ReadLines("a\r", 1), (std::vector<Line>{{1, "a\r", false}}));
}

TEST(LineReaderTest, RefusesOverLongLinesInAnyChunking) {
  const std::string ok_line = std::string(16, 'x') + "\r\n";
  const std::string long_line = std::string(17, 'x') + "\n";
  for (size_t chunk : {1, 5, 100}) {
    LineReader reader(16);
    const auto sink = [](int64_t, absl::string_view, bool) { return true; };
    LineReader::Result result = LineReader::Result::kOk;
    const std::string text = ok_line + long_line;
    for (size_t i = 0; i < text.size() && result == LineReader::Result::kOk;
         i += chunk) {
      result = reader.Feed(absl::string_view(text).substr(i, chunk), sink);
    }
    EXPECT_EQ(result, LineReader::Result::kLineTooLong) << chunk;
    EXPECT_EQ(reader.line_number(), 2) << chunk;
  }
}

TEST(LineReaderTest, SinkCanStopTheReader) {
  LineReader reader(100);
  int calls = 0;
  EXPECT_EQ(reader.Feed("a\nb\nc\n",
                        [&](int64_t, absl::string_view, bool) {
                          ++calls;
                          return false;
                        }),
            LineReader::Result::kStopped);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace hedui::feed
