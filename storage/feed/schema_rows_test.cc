// Each department's schema, row by row: a good row gives the exact record and
// natural key; every kind of bad value in every column gives one error at
// the right line, column and field, without personal data.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "storage/feed/feed_parser.h"
#include "storage/feed/feed_test_util.h"
#include "storage/feed/schema.h"

namespace hedui::feed {
namespace {

using ::hedui::v1::Department;
using testing::CsvField;
using testing::Parse;
using testing::ParseResult;

constexpr char kPerson[] = "320581198001010013";
constexpr char kSpouse[] = "320581198203150022";
constexpr char kName[] = "张三";

struct GoodRow {
  Department department;
  const char* header;  // as in deploy/feeds/README.md
  std::vector<std::string> fields;
  const char* record;  // text format of the expected hedui.store.v1 record
  const char* natural_key;
};

std::vector<GoodRow> GoodRows() {
  return {
      {hedui::v1::HOUSEHOLD_REGISTRATION,
       "person_id,name,household_number,relation_to_head,region_code,"
       "residence_class,status",
       {kPerson, kName, "H320581000123", "HEAD", "320581", "URBAN", "NORMAL"},
       R"pb(person_id: "320581198001010013"
            name: "张三"
            household_number: "H320581000123"
            relation_to_head: HEAD
            region_code: "320581"
            residence_class: URBAN
            status: NORMAL)pb",
       ""},
      {hedui::v1::MARRIAGE,
       "person_id,spouse_id,status,date",
       {kPerson, kSpouse, "MARRIED", "2005-10-01"},
       R"pb(person_id: "320581198001010013"
            spouse_id: "320581198203150022"
            status: MARRIED
            date { year: 2005 month: 10 day: 1 })pb",
       "320581198203150022\x1f"
       "01\x1f"
       "20051001"},
      {hedui::v1::DEATH,
       "person_id,date_of_death",
       {kPerson, "2026-03-15"},
       R"pb(person_id: "320581198001010013"
            date_of_death { year: 2026 month: 3 day: 15 })pb",
       ""},
      {hedui::v1::SOCIAL_INSURANCE,
       "person_id,period,contribution_base_yuan,employer",
       {kPerson, "2026-09", "4500.5", "91320581MA1XXXXX1X"},
       R"pb(person_id: "320581198001010013"
            period { year: 2026 month: 9 }
            contribution_base_fen: 450050
            employer: "91320581MA1XXXXX1X")pb",
       "202609\x1f"
       "91320581MA1XXXXX1X"},
      {hedui::v1::BENEFITS,
       "person_id,period,benefit_type,amount_yuan,pay_date,payer",
       {kPerson, "2026-09", "EMPLOYEE_PENSION", "3200", "2026-09-15",
        "常熟市社会保险基金管理中心"},
       R"pb(person_id: "320581198001010013"
            period { year: 2026 month: 9 }
            benefit_type: EMPLOYEE_PENSION
            amount_fen: 320000
            pay_date { year: 2026 month: 9 day: 15 }
            payer: "常熟市社会保险基金管理中心")pb",
       "202609\x1f"
       "01\x1f"
       "20260915\x1f常熟市社会保险基金管理中心"},
      {hedui::v1::TAX,
       "person_id,period,income_type,amount_yuan,payer,pay_date",
       {kPerson, "2026-10", "LABOUR", "8000.05", "Changshu \"Textile\", Ltd.",
        "2026-11-05"},
       R"pb(person_id: "320581198001010013"
            period { year: 2026 month: 10 }
            income_type: LABOUR
            amount_fen: 800005
            payer: "Changshu \"Textile\", Ltd."
            pay_date { year: 2026 month: 11 day: 5 })pb",
       "202610\x1f"
       "02\x1f"
       "Changshu \"Textile\", Ltd.\x1f"
       "20261105"},
      {hedui::v1::HOUSING_FUND,
       "person_id,period,deposit_base_yuan,employer",
       {kPerson, "2026-10", "6000", "  E001  "},
       R"pb(person_id: "320581198001010013"
            period { year: 2026 month: 10 }
            deposit_base_fen: 600000
            employer: "E001")pb",
       "202610\x1f"
       "E001"},
      {hedui::v1::REAL_ESTATE,
       "person_id,property_id,use,area_m2,share,acquired",
       {kPerson, "苏(2019)常熟市不动产权第0012345号", "RESIDENTIAL", "89.25",
        "0.3333", "2019-06-30"},
       R"pb(person_id: "320581198001010013"
            property_id: "苏(2019)常熟市不动产权第0012345号"
            use: RESIDENTIAL
            area_centi_m2: 8925
            share_per_10000: 3333
            acquired { year: 2019 month: 6 day: 30 })pb",
       "苏(2019)常熟市不动产权第0012345号"},
      {hedui::v1::VEHICLES,
       "person_id,plate,vehicle_type,registered",
       {kPerson, "苏E12345", "E_BIKE", "2018-04-02"},
       R"pb(person_id: "320581198001010013"
            plate: "苏E12345"
            vehicle_type: E_BIKE
            registered { year: 2018 month: 4 day: 2 })pb",
       "苏E12345"},
      {hedui::v1::BUSINESS,
       "person_id,enterprise_id,enterprise_name,enterprise_type,role,"
       "registered_capital_yuan,status",
       {kPerson, "92320581MA1ABCDE1X", "常熟市某某小吃店",
        "INDIVIDUAL_BUSINESS", "OPERATOR", "50000", "REVOKED"},
       R"pb(person_id: "320581198001010013"
            enterprise_id: "92320581MA1ABCDE1X"
            enterprise_name: "常熟市某某小吃店"
            enterprise_type: INDIVIDUAL_BUSINESS
            role: OPERATOR
            registered_capital_fen: 5000000
            status: REVOKED)pb",
       "92320581MA1ABCDE1X\x1f"
       "03"},
      {hedui::v1::FINANCIAL_ASSETS,
       "person_id,institution,account,asset_type,balance_yuan,balance_date",
       {kPerson, "中国工商银行常熟支行", "6222****1234", "INSURANCE_CASH_VALUE",
        "12345.67", "2026-10-31"},
       R"pb(person_id: "320581198001010013"
            institution: "中国工商银行常熟支行"
            account: "6222****1234"
            asset_type: INSURANCE_CASH_VALUE
            balance_fen: 1234567
            balance_date { year: 2026 month: 10 day: 31 })pb",
       "中国工商银行常熟支行\x1f"
       "6222****1234"},
      {hedui::v1::DISABILITY,
       "person_id,category,grade",
       {kPerson, "MULTIPLE", "4"},
       R"pb(person_id: "320581198001010013" category: MULTIPLE grade: 4)pb",
       "07"},
      {hedui::v1::ASSISTANCE_ENROLLMENT,
       "person_id,program,household_id,since,status",
       {kPerson, "UNION_HARDSHIP", "HH-2024-0001", "2024-03-01", "SUSPENDED"},
       R"pb(person_id: "320581198001010013"
            program: UNION_HARDSHIP
            household_id: "HH-2024-0001"
            since { year: 2024 month: 3 day: 1 }
            status: SUSPENDED)pb",
       "07\x1f"
       "20240301"},
  };
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::vector<std::string> quoted;
  for (const std::string& field : fields) quoted.push_back(CsvField(field));
  return absl::StrJoin(quoted, ",");
}

void ExpectRecord(const Schema& schema, const std::string& serialized,
                  const char* expected_text) {
  std::unique_ptr<google::protobuf::Message> actual =
      testing::NewRecord(schema);
  std::unique_ptr<google::protobuf::Message> expected =
      testing::NewRecord(schema);
  ASSERT_TRUE(actual->ParseFromString(serialized));
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(expected_text,
                                                            expected.get()));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(*actual, *expected))
      << schema.name << "\nactual:   " << actual->ShortDebugString()
      << "\nexpected: " << expected->ShortDebugString();
}

TEST(SchemaRowsTest, CoversEveryDepartment) {
  EXPECT_EQ(GoodRows().size(), AllSchemas().size());
  EXPECT_EQ(AllSchemas().size(), 13u);
}

TEST(SchemaRowsTest, GoodRowGivesExactRecordAndKey) {
  for (const GoodRow& good : GoodRows()) {
    const Schema& schema = *FindSchema(good.department);
    SCOPED_TRACE(schema.name);
    const std::string file =
        absl::StrCat(good.header, "\n", CsvRow(good.fields), "\n");
    const ParseResult result = Parse({good.department}, file);
    ASSERT_TRUE(result.ok) << testing::Describe(result);
    ASSERT_EQ(result.rows.size(), 1u);
    const FeedRow& row = result.rows[0];
    EXPECT_EQ(row.op, RowOp::kUpsert);
    EXPECT_EQ(row.person_id, kPerson);
    EXPECT_EQ(row.natural_key, good.natural_key);
    EXPECT_EQ(row.line, 2);
    ExpectRecord(schema, row.record, good.record);
  }
}

TEST(SchemaRowsTest, DeltaUpsertAndDelete) {
  for (const GoodRow& good : GoodRows()) {
    const Schema& schema = *FindSchema(good.department);
    SCOPED_TRACE(schema.name);
    // A delete keeps its key columns and may leave the others empty.
    std::vector<std::string> deleted = good.fields;
    std::string deleted_record;
    {
      std::unique_ptr<google::protobuf::Message> expected =
          testing::NewRecord(schema);
      ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
          good.record, expected.get()));
      const google::protobuf::Reflection* reflection =
          expected->GetReflection();
      for (size_t i = 0; i < schema.columns.size(); ++i) {
        if (schema.columns[i].key) continue;
        deleted[i].clear();
        reflection->ClearField(expected.get(), schema.columns[i].field);
      }
      deleted_record = expected->ShortDebugString();
    }
    const std::string file =
        absl::StrCat("op,", good.header, "\nupsert,", CsvRow(good.fields),
                     "\ndelete,", CsvRow(deleted), "\n");
    const ParseResult result = Parse({good.department, TextEncoding::kUtf8,
                                      /*delta=*/true},
                                     file);
    ASSERT_TRUE(result.ok) << testing::Describe(result);
    ASSERT_EQ(result.rows.size(), 2u);
    EXPECT_EQ(result.rows[0].op, RowOp::kUpsert);
    ExpectRecord(schema, result.rows[0].record, good.record);
    EXPECT_EQ(result.rows[1].op, RowOp::kDelete);
    EXPECT_EQ(result.rows[1].line, 3);
    EXPECT_EQ(result.rows[1].natural_key, good.natural_key);
    ExpectRecord(schema, result.rows[1].record, deleted_record.c_str());
  }
}

struct BadValue {
  std::string value;
  std::string message_part;
};

std::vector<BadValue> BadValues(const Column& column, const std::string& good) {
  switch (column.type) {
    case ColumnType::kResidentId: {
      std::string wrong_check = good;
      wrong_check.back() = good.back() == '0' ? '1' : '0';
      std::string lower_x = good.substr(0, 17) + "x";
      return {
          {wrong_check, "check character of the resident ID does not match"},
          {good.substr(0, 17), "a resident ID has 18 characters, got 17"},
          {"32058119800230001" + good.substr(17), "birth date"},
          {lower_x, "must be 0-9 or X"},
          {" " + good, "remove the spaces"},
          {"", "a value is required"}};
    }
    case ColumnType::kName:
    case ColumnType::kText:
      return {{"", "required text is empty"},
              {"   ", "required text is empty"},
              {std::string(129, 'a'), "129 bytes long; at most 128"}};
    case ColumnType::kRegionCode:
      return {{"32058", "expected 6 digits"},
              // A name in the wrong column is never repeated in the error.
              {"侯月倩", "possibly a name"},
              {"32058A", "expected 6 digits"},
              {"3205811", "expected 6 digits"}};
    case ColumnType::kEnum:
      return {{"wage", absl::StrCat("expected one of ", column.codes_list)},
              {column.field->enum_type()->value(0)->name(), "expected one of"},
              {"NOT_A_CODE", "unknown code \"NOT_A_CODE\""},
              {"侯月倩", "possibly a name"},
              {good + " ", "remove the spaces"},
              {"", "a value is required"}};
    case ColumnType::kDate:
      return {{"2026-02-29", "not a calendar date"},
              {"侯月倩", "possibly a name"},
              {"2026/01/01", "expected a date as YYYY-MM-DD"},
              {"20260101", "expected a date as YYYY-MM-DD"},
              {"", "a value is required"}};
    case ColumnType::kMonth:
      return {{"2026-13", "not a calendar month"},
              {"202610", "expected a month as YYYY-MM"},
              {"2026-10-01", "expected a month as YYYY-MM"}};
    case ColumnType::kMoney:
      return {{"-5", "\"-5\" is a negative amount"},
              {"侯月倩", "possibly a name"},
              {"1.005", "at most 2 decimals"},
              {"1,000", "not an amount in yuan"},
              {"1e3", "not an amount in yuan"},
              {"", "a value is required"}};
    case ColumnType::kArea:
      return {{"-1", "not an area"}, {"1.005", "at most 2 decimals"}};
    case ColumnType::kShare:
      return {{"0", "greater than 0"},
              {"1.0001", "at most 1"},
              {"0.33333", "at most 4 decimals"},
              {"-0.5", "not a share"}};
    case ColumnType::kGrade:
      return {{"0", "expected 1, 2, 3 or 4"},
              {"5", "expected 1, 2, 3 or 4"},
              {"12", "expected 1, 2, 3 or 4"},
              {"A", "expected 1, 2, 3 or 4"}};
  }
  return {};
}

// No run of 15 digits (a resident ID or most of one) and no name.
bool HasPersonalData(const std::string& message) {
  int run = 0;
  for (char c : message) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 15) return true;
  }
  return absl::StrContains(message, kName) ||
         absl::StrContains(message, "张") ||
         absl::StrContains(message, "侯月倩");
}

TEST(SchemaRowsTest, EveryBadValueGivesOneErrorAtItsColumn) {
  int cases = 0;
  for (const bool delta : {false, true}) {
    for (const GoodRow& good : GoodRows()) {
      const Schema& schema = *FindSchema(good.department);
      for (size_t i = 0; i < schema.columns.size(); ++i) {
        const Column& column = schema.columns[i];
        for (const BadValue& bad : BadValues(column, good.fields[i])) {
          SCOPED_TRACE(absl::StrCat(schema.name, " ", column.name, " \"",
                                    bad.value, "\" delta=", delta));
          std::vector<std::string> fields = good.fields;
          fields[i] = bad.value;
          const std::string prefix = delta ? "upsert," : "";
          const std::string file = absl::StrCat(
              delta ? "op," : "", good.header, "\n", prefix,
              CsvRow(good.fields), "\n", prefix, CsvRow(fields), "\n");
          const ParseResult result =
              Parse({good.department, TextEncoding::kUtf8, delta}, file);
          ++cases;
          EXPECT_FALSE(result.ok);
          EXPECT_EQ(result.rows_seen, 2);
          ASSERT_EQ(result.error_count, 1) << testing::Describe(result);
          const FeedError& error = result.errors[0];
          EXPECT_EQ(error.line, 3);
          EXPECT_EQ(error.column, static_cast<int>(i) + (delta ? 2 : 1));
          EXPECT_EQ(error.field, column.name);
          EXPECT_TRUE(absl::StartsWith(error.message, column.name + ": "))
              << error.message;
          EXPECT_TRUE(absl::StrContains(error.message, bad.message_part))
              << error.message;
          EXPECT_FALSE(HasPersonalData(error.message)) << error.message;
          if (IsPersonal(column.type) && !bad.value.empty() &&
              bad.value != "   ") {
            EXPECT_FALSE(absl::StrContains(error.message, bad.value))
                << error.message;
          }
        }
      }
    }
  }
  EXPECT_GT(cases, 300);
}

}  // namespace
}  // namespace hedui::feed
