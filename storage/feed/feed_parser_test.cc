// File-level behaviour of the parser: header, line structure, CSV quoting,
// error collection. Per-department values are in schema_rows_test.cc.
#include "storage/feed/feed_parser.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

using testing::Describe;
using ::testing::HasSubstr;
using testing::Parse;
using testing::ParseResult;

constexpr char kTaxHeader[] =
    "person_id,period,income_type,amount_yuan,payer,pay_date";
constexpr char kRow[] =
    "320581198001010013,2026-10,WAGE,8000,Changshu Textile,2026-11-05";

ParseResult ParseTax(absl::string_view file) {
  return Parse({hedui::v1::TAX}, file);
}

// The single error of a parse that must have exactly one.
FeedError OnlyError(const ParseResult& result) {
  EXPECT_EQ(result.error_count, 1) << Describe(result);
  EXPECT_FALSE(result.ok);
  return result.errors.empty() ? FeedError{} : result.errors[0];
}

TEST(FeedParserTest, ParsesRowsWithAnyLineEnd) {
  for (const char* eol : {"\n", "\r\n"}) {
    const ParseResult result =
        ParseTax(absl::StrCat(kTaxHeader, eol, kRow, eol, kRow, eol, kRow));
    ASSERT_TRUE(result.ok) << Describe(result);
    EXPECT_EQ(result.rows_seen, 3);
    ASSERT_EQ(result.rows.size(), 3u);
    EXPECT_EQ(result.rows[2].line, 4);
    EXPECT_EQ(result.rows[2].natural_key,
              "202610\x1f"
              "01\x1f"
              "Changshu Textile\x1f"
              "20261105");
  }
}

TEST(FeedParserTest, SkipsUtf8Bom) {
  const ParseResult result =
      ParseTax(absl::StrCat("\xEF\xBB\xBF", kTaxHeader, "\n", kRow, "\n"));
  EXPECT_TRUE(result.ok) << Describe(result);
  EXPECT_EQ(result.rows.size(), 1u);
}

TEST(FeedParserTest, HeaderOnlyIsAnEmptySnapshot) {
  const ParseResult result = ParseTax(absl::StrCat(kTaxHeader, "\n"));
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows_seen, 0);
}

TEST(FeedParserTest, EmptyFileNeedsAHeader) {
  FeedError error = OnlyError(ParseTax(""));
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.column, 0);
  EXPECT_THAT(error.message, HasSubstr("the file is empty"));
  EXPECT_THAT(error.message, HasSubstr(kTaxHeader));
  for (const char* file : {"\xEF\xBB\xBF", "\n", "\r\n", "\n\n"}) {
    error = OnlyError(ParseTax(file));
    EXPECT_EQ(error.line, 1);
    EXPECT_EQ(error.column, 0);
    EXPECT_THAT(error.message, HasSubstr("the header line is empty"));
    EXPECT_THAT(error.message, HasSubstr(kTaxHeader));
  }
}

TEST(FeedParserTest, WrongHeaderNamesTheColumnAndTheExpectedHeader) {
  const ParseResult result = ParseTax(absl::StrCat(
      "person_id,period,income,amount_yuan,payer,pay_date\n", kRow, "\n"));
  const FeedError error = OnlyError(result);
  EXPECT_EQ(error.line, 1);
  EXPECT_EQ(error.column, 3);
  EXPECT_EQ(error.field, "");
  EXPECT_THAT(error.message,
              HasSubstr("column 3 is \"income\", expected income_type"));
  EXPECT_THAT(error.message, HasSubstr(kTaxHeader));
  // The rows of a file with a wrong header are not read.
  EXPECT_EQ(result.rows_seen, 0);
  EXPECT_TRUE(result.rows.empty());
}

TEST(FeedParserTest, HeaderMissingOrExtraColumns) {
  EXPECT_THAT(
      OnlyError(ParseTax("person_id,period,income_type,amount_yuan,payer\n"))
          .message,
      HasSubstr("column 6 (pay_date) is missing"));
  EXPECT_THAT(OnlyError(ParseTax(absl::StrCat(kTaxHeader, ",note\n"))).message,
              HasSubstr("column 7 \"note\" is one too many"));
  EXPECT_THAT(OnlyError(ParseTax(",period\n")).message,
              HasSubstr("column 1 is \"\", expected person_id"));
  // Case matters.
  EXPECT_EQ(OnlyError(ParseTax("PERSON_ID,period,income_type,amount_yuan,"
                               "payer,pay_date\n"))
                .column,
            1);
}

TEST(FeedParserTest, HeaderHintsAtDeltaMixUps) {
  EXPECT_THAT(
      OnlyError(Parse({hedui::v1::TAX, TextEncoding::kUtf8, /*delta=*/true},
                      absl::StrCat(kTaxHeader, "\n")))
          .message,
      HasSubstr("a delta file starts with an op column"));
  EXPECT_THAT(
      OnlyError(ParseTax(absl::StrCat("op,", kTaxHeader, "\n"))).message,
      HasSubstr("this looks like a delta file"));
}

TEST(FeedParserTest, WrongColumnCountSaysExpectedAndGot) {
  const FeedError error = OnlyError(ParseTax(absl::StrCat(
      kTaxHeader, "\n", kRow, "\n", "320581198001010013,2026-10,WAGE,8000\n")));
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.column, 0);
  EXPECT_EQ(error.field, "");
  EXPECT_THAT(error.message, HasSubstr("expected 6 columns"));
  EXPECT_THAT(error.message, HasSubstr("got 4"));
  EXPECT_THAT(error.message, ::testing::Not(HasSubstr("320581198001010013")));
}

TEST(FeedParserTest, EmptyLineOnlyAtTheEnd) {
  // One empty last line is allowed, with either line end.
  EXPECT_TRUE(ParseTax(absl::StrCat(kTaxHeader, "\n", kRow, "\n\n")).ok);
  EXPECT_TRUE(ParseTax(absl::StrCat(kTaxHeader, "\r\n", kRow, "\r\n\r\n")).ok);

  FeedError error =
      OnlyError(ParseTax(absl::StrCat(kTaxHeader, "\n\n", kRow, "\n")));
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 0);
  EXPECT_THAT(error.message, HasSubstr("empty line"));

  // Two empty lines at the end: the first is not the last line.
  error = OnlyError(ParseTax(absl::StrCat(kTaxHeader, "\n", kRow, "\n\n\n")));
  EXPECT_EQ(error.line, 3);
}

TEST(FeedParserTest, QuotedFields) {
  const ParseResult result = ParseTax(absl::StrCat(
      kTaxHeader, "\n",
      "\"320581198001010013\",\"2026-10\",WAGE,\"8000\",\"A \"\"B\"\", C\","
      "\"2026-11-05\"\n"));
  ASSERT_TRUE(result.ok) << Describe(result);
  EXPECT_THAT(result.rows[0].natural_key, HasSubstr("\x1f"
                                                    "A \"B\", C\x1f"));
}

TEST(FeedParserTest, QuotingErrorsNameTheirColumn) {
  struct Case {
    std::string payer;
    const char* message_part;
  };
  const Case cases[] = {
      Case{"Chang\"shu", "double quote inside an unquoted field"},
      Case{" \"Changshu\"", "double quote inside an unquoted field"},
      Case{"\"Changshu\"x", "text after the closing quote"},
      Case{"\"Changshu,2026-11-05", "not closed on this line"},
      Case{std::string("Chang\0shu", 9), "NUL"},
      Case{"Chang\x1fshu", "U+001F"},
      Case{"Chang\rshu", "carriage return"},
  };
  for (const Case& c : cases) {
    const std::string& payer = c.payer;
    SCOPED_TRACE(payer);
    const ParseResult result = ParseTax(
        absl::StrCat(kTaxHeader, "\n", "320581198001010013,2026-10,WAGE,8000,",
                     payer, ",2026-11-05\n", kRow, "\n"));
    const FeedError error = OnlyError(result);
    EXPECT_EQ(error.line, 2);
    EXPECT_EQ(error.column, 5);
    EXPECT_EQ(error.field, "payer");
    EXPECT_THAT(error.message, HasSubstr(c.message_part));
    EXPECT_EQ(result.rows_seen, 2);
  }
}

TEST(FeedParserTest, UnclosedQuoteAtEndOfFile) {
  const FeedError error = OnlyError(ParseTax(absl::StrCat(
      kTaxHeader, "\n", "320581198001010013,2026-10,WAGE,8000,\"Changshu")));
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 5);
  EXPECT_THAT(error.message,
              HasSubstr("not closed before the end of the file"));
}

TEST(FeedParserTest, TextIsTrimmedOtherTypesAreNot) {
  ParseResult result = ParseTax(absl::StrCat(
      kTaxHeader, "\n",
      "320581198001010013,2026-10,WAGE,8000,\"  Changshu  \",2026-11-05\n"));
  ASSERT_TRUE(result.ok) << Describe(result);
  EXPECT_THAT(result.rows[0].natural_key, HasSubstr("\x1f"
                                                    "Changshu\x1f"));

  const FeedError error = OnlyError(ParseTax(absl::StrCat(
      kTaxHeader, "\n",
      "320581198001010013,2026-10,WAGE,8000 ,Changshu,2026-11-05\n")));
  EXPECT_EQ(error.field, "amount_yuan");
  EXPECT_THAT(error.message, HasSubstr("remove the spaces"));
}

TEST(FeedParserTest, SeveralBadFieldsInOneRowAreAllReported) {
  const ParseResult result = ParseTax(absl::StrCat(
      kTaxHeader, "\n", "320581198001010012,2026-13,SALARY,-1,,2026-02-30\n"));
  ASSERT_EQ(result.error_count, 6) << Describe(result);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(result.errors[i].column, i + 1);
}

TEST(FeedParserTest, DeltaOpMustBeUpsertOrDelete) {
  const ParseResult result =
      Parse({hedui::v1::TAX, TextEncoding::kUtf8, /*delta=*/true},
            absl::StrCat("op,", kTaxHeader, "\nUPSERT,", kRow, "\nremove,",
                         kRow, "\n"));
  ASSERT_EQ(result.error_count, 2) << Describe(result);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].column, 1);
  EXPECT_EQ(result.errors[0].field, "op");
  EXPECT_THAT(result.errors[0].message,
              HasSubstr("\"UPSERT\" is not an operation; expected upsert or "
                        "delete"));
  EXPECT_EQ(result.errors[1].line, 3);
}

TEST(FeedParserTest, DeltaDeleteStillNeedsItsKey) {
  const FeedError error = OnlyError(Parse(
      {hedui::v1::TAX, TextEncoding::kUtf8, /*delta=*/true},
      absl::StrCat("op,", kTaxHeader,
                   "\ndelete,320581198001010013,2026-10,WAGE,,,2026-11-05\n")));
  EXPECT_EQ(error.column, 6);
  EXPECT_EQ(error.field, "payer");
}

TEST(FeedParserTest, KeepsTheFirstMaxErrorsAndCountsAll) {
  std::string file = absl::StrCat(kTaxHeader, "\n");
  for (int i = 0; i < 25; ++i) {
    absl::StrAppend(&file,
                    "320581198001010013,2026-10,WAGE,-1,Changshu,2026-11-05\n");
  }
  const ParseResult result = ParseTax(file);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error_count, 25);
  EXPECT_EQ(result.rows_seen, 25);
  ASSERT_EQ(result.errors.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(result.errors[i].line, i + 2);

  FeedParserOptions options{hedui::v1::TAX};
  options.max_errors = 3;
  EXPECT_EQ(Parse(options, file).errors.size(), 3u);
}

TEST(FeedParserTest, NoRowsAreEmittedAfterAnError) {
  const ParseResult result = ParseTax(absl::StrCat(
      kTaxHeader, "\n", kRow, "\n",
      "320581198001010013,2026-10,WAGE,-1,Changshu,2026-11-05\n", kRow, "\n"));
  EXPECT_EQ(result.error_count, 1);
  EXPECT_EQ(result.rows_seen, 3);
  ASSERT_EQ(result.rows.size(), 1u);  // emitted before the error was found
  EXPECT_EQ(result.rows[0].line, 2);
}

TEST(FeedParserTest, OverLongLineStopsTheParse) {
  const ParseResult result = ParseTax(absl::StrCat(
      kTaxHeader, "\n", kRow, "\n", std::string(70000, 'a'), "\n", kRow, "\n"));
  const FeedError error = OnlyError(result);
  EXPECT_EQ(error.line, 3);
  EXPECT_THAT(error.message, HasSubstr("longer than 65536 bytes"));
  EXPECT_EQ(result.rows_seen, 1);
}

TEST(FeedParserTest, ALoneCarriageReturnIsNotALineEnd) {
  // Old Mac line ends: the whole file is one line, refused once it passes
  // the limit, with a hint; what is held never grows past the limit.
  std::string mac = absl::StrCat(kTaxHeader, "\r");
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&mac, kRow, "\r");
  FeedParser parser({hedui::v1::TAX});
  const RowSink sink = [](FeedRow&&) {};
  for (size_t i = 0; i < mac.size(); i += 4096) {
    parser.Consume(absl::string_view(mac).substr(i, 4096), sink);
  }
  parser.Finish(sink);
  ASSERT_EQ(parser.error_count(), 1);
  EXPECT_EQ(parser.errors()[0].line, 1);
  EXPECT_THAT(parser.errors()[0].message, HasSubstr("longer than 65536 bytes"));
  EXPECT_THAT(parser.errors()[0].message,
              HasSubstr("a CR alone is not a line end"));
  // A short file with CR line ends: one line, which is not the header.
  const FeedError error =
      OnlyError(ParseTax(absl::StrCat(kTaxHeader, "\r", kRow, "\r")));
  EXPECT_EQ(error.line, 1);
  EXPECT_THAT(error.message, HasSubstr("carriage return"));
}

TEST(FeedParserTest, InvalidDepartmentIsReportedOnLineZero) {
  const FeedError error =
      OnlyError(Parse({hedui::v1::DEPARTMENT_UNSPECIFIED},
                      absl::StrCat(kTaxHeader, "\n", kRow, "\n")));
  EXPECT_EQ(error.line, 0);
  EXPECT_THAT(error.message, HasSubstr("unknown department"));
  EXPECT_EQ(OnlyError(Parse({static_cast<hedui::v1::Department>(99)}, "")).line,
            0);
}

TEST(FeedParserTest, ParsesDepartmentNames) {
  EXPECT_EQ(*ParseDepartmentName("TAX"), hedui::v1::TAX);
  EXPECT_EQ(*ParseDepartmentName("ASSISTANCE_ENROLLMENT"),
            hedui::v1::ASSISTANCE_ENROLLMENT);
  for (const char* bad : {"tax", "", "DEPARTMENT_UNSPECIFIED", "TAX "}) {
    const auto parsed = ParseDepartmentName(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("HOUSEHOLD_REGISTRATION"));
  }
}

TEST(FeedParserTest, ConsumeAfterFinishIsIgnored) {
  FeedParser parser({hedui::v1::TAX});
  int rows = 0;
  const RowSink sink = [&](FeedRow&&) { ++rows; };
  parser.Consume(absl::StrCat(kTaxHeader, "\n", kRow), sink);
  parser.Finish(sink);
  parser.Consume(absl::StrCat("\n", kRow, "\n"), sink);
  parser.Finish(sink);
  EXPECT_EQ(rows, 1);
  EXPECT_TRUE(parser.ok());
}

}  // namespace
}  // namespace hedui::feed
