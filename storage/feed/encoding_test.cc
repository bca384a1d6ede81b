// Declared encodings through the whole parser: GB18030 text arrives as
// UTF-8; bytes invalid in the declared encoding fail the file at the line
// and column where they are.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"

namespace hedui::feed {
namespace {

using testing::Describe;
using ::testing::HasSubstr;
using testing::Parse;
using testing::ParseResult;

constexpr char kHeader[] =
    "person_id,name,household_number,relation_to_head,region_code,"
    "residence_class,status\n";

std::string Registration() {
  return absl::StrCat(
      kHeader, "320581198001010013,张三,H001,HEAD,320581,URBAN,NORMAL\r\n",
      "320581198203150022,李四娘,H001,SPOUSE,320581,URBAN,NORMAL\r\n",
      "320582201005010038,\"欧阳, 娜娜\",H001,CHILD,320581,RURAL,NORMAL\r\n");
}

FeedParserOptions Options(TextEncoding encoding) {
  return {hedui::v1::HOUSEHOLD_REGISTRATION, encoding};
}

std::vector<std::string> Names(const ParseResult& result) {
  std::vector<std::string> names;
  for (const FeedRow& row : result.rows) {
    hedui::store::v1::HouseholdRegistrationRecord record;
    EXPECT_TRUE(record.ParseFromString(row.record));
    names.push_back(record.name());
  }
  return names;
}

TEST(EncodingTest, Gb18030NamesArriveAsUtf8) {
  const std::string gb = testing::ToGb18030(Registration());
  // 张 = D5 C5, 三 = C8 FD: the test's encoder agrees with the standard.
  ASSERT_NE(gb.find("\xD5\xC5\xC8\xFD"), std::string::npos);
  for (const std::vector<size_t>& chunks :
       {std::vector<size_t>{}, {1}, {2, 3, 5}}) {
    const ParseResult result =
        Parse(Options(TextEncoding::kGb18030), gb, chunks);
    ASSERT_TRUE(result.ok) << Describe(result);
    EXPECT_THAT(Names(result),
                ::testing::ElementsAre("张三", "李四娘", "欧阳, 娜娜"));
  }
  // The same text declared UTF-8 parses the same.
  EXPECT_EQ(Describe(Parse(Options(TextEncoding::kUtf8), Registration())),
            Describe(Parse(Options(TextEncoding::kGb18030), gb)));
}

TEST(EncodingTest, InvalidGb18030IsReportedWhereItIs) {
  // Line 3, column 2 (name): 李 then an invalid byte.
  const std::string gb = absl::StrCat(
      testing::ToGb18030(absl::StrCat(
          kHeader, "320581198001010013,张三,H001,HEAD,320581,URBAN,NORMAL\n",
          "320581198203150022,\"李")),
      "\xFF",
      testing::ToGb18030(
          "四\",H001,SPOUSE,320581,URBAN,NORMAL\n"
          "320582201005010038,王五,H001,CHILD,320581,RURAL,NORMAL\n"));
  for (const std::vector<size_t>& chunks : {std::vector<size_t>{}, {1}, {7}}) {
    const ParseResult result =
        Parse(Options(TextEncoding::kGb18030), gb, chunks);
    ASSERT_EQ(result.error_count, 1) << Describe(result);
    const FeedError& error = result.errors[0];
    EXPECT_EQ(error.line, 3);
    EXPECT_EQ(error.column, 2);
    EXPECT_EQ(error.field, "name");
    EXPECT_THAT(error.message, HasSubstr("invalid GB18030 byte sequence"));
    // 18 + 3 characters (ID, comma, quote, 李) come before the bad byte.
    EXPECT_THAT(error.message, HasSubstr("at character 22 of the line"));
    EXPECT_THAT(error.message, ::testing::Not(HasSubstr("李")));
    // The rest of the file is not read.
    EXPECT_EQ(result.rows_seen, 1);
  }
}

TEST(EncodingTest, TruncatedGb18030AtEndOfFile) {
  const std::string gb =
      testing::ToGb18030(absl::StrCat(
          kHeader, "320581198001010013,张三,H001,HEAD,320581,URBAN,NORMAL\n",
          "320581198203150022,李")) +
      "\xCB";  // first byte of 四
  const ParseResult result = Parse(Options(TextEncoding::kGb18030), gb, {{1}});
  ASSERT_EQ(result.error_count, 1) << Describe(result);
  EXPECT_EQ(result.errors[0].line, 3);
  EXPECT_EQ(result.errors[0].column, 2);
  EXPECT_THAT(result.errors[0].message, HasSubstr("ends inside a GB18030"));
}

TEST(EncodingTest, GbBytesDeclaredAsUtf8AreRefused) {
  const std::string gb = testing::ToGb18030(Registration());
  const ParseResult result = Parse(Options(TextEncoding::kUtf8), gb);
  ASSERT_EQ(result.error_count, 1) << Describe(result);
  const FeedError& error = result.errors[0];
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 2);
  EXPECT_EQ(error.field, "name");
  EXPECT_THAT(error.message, HasSubstr("invalid UTF-8"));
  EXPECT_THAT(error.message, HasSubstr("GB18030"));
  EXPECT_THAT(error.message, HasSubstr("at character 20 of the line"));
}

TEST(EncodingTest, InvalidUtf8InTheHeader) {
  const ParseResult result = Parse(Options(TextEncoding::kUtf8),
                                   "\xEF\xBB\xBFperson_id,na\xC3\x28me\n");
  ASSERT_EQ(result.error_count, 1) << Describe(result);
  EXPECT_EQ(result.errors[0].line, 1);
  EXPECT_EQ(result.errors[0].column, 2);
  EXPECT_EQ(result.errors[0].field, "");
  EXPECT_THAT(result.errors[0].message, HasSubstr("at character 13"));
}

TEST(EncodingTest, EmptyLineBeforeBadBytesIsNotTheLast) {
  const ParseResult result =
      Parse(Options(TextEncoding::kUtf8), absl::StrCat(kHeader, "\n\xFF"));
  ASSERT_EQ(result.error_count, 2) << Describe(result);
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_THAT(result.errors[0].message, HasSubstr("empty line"));
  EXPECT_EQ(result.errors[1].line, 3);
  EXPECT_EQ(result.errors[1].column, 1);
}

}  // namespace
}  // namespace hedui::feed
