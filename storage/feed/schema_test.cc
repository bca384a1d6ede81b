// The CSV schemas and the stored record messages are one list: column i
// fills field number i + 1, with a matching name and type. This is what lets
// RecordBuilder fill records generically.
#include "storage/feed/schema.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::feed {
namespace {

using google::protobuf::FieldDescriptor;

// The record field name for a CSV column name (units differ on disk).
std::string FieldNameFor(const std::string& column) {
  if (column == "area_m2") return "area_centi_m2";
  if (column == "share") return "share_per_10000";
  if (absl::EndsWith(column, "_yuan")) {
    return absl::StrCat(column.substr(0, column.size() - 5), "_fen");
  }
  return column;
}

FieldDescriptor::CppType CppTypeFor(ColumnType type) {
  switch (type) {
    case ColumnType::kResidentId:
    case ColumnType::kName:
    case ColumnType::kText:
    case ColumnType::kRegionCode:
      return FieldDescriptor::CPPTYPE_STRING;
    case ColumnType::kEnum:
      return FieldDescriptor::CPPTYPE_ENUM;
    case ColumnType::kDate:
    case ColumnType::kMonth:
      return FieldDescriptor::CPPTYPE_MESSAGE;
    case ColumnType::kMoney:
    case ColumnType::kArea:
      return FieldDescriptor::CPPTYPE_INT64;
    case ColumnType::kShare:
    case ColumnType::kGrade:
      return FieldDescriptor::CPPTYPE_INT32;
  }
  return FieldDescriptor::CPPTYPE_STRING;
}

TEST(SchemaTest, ColumnsMatchRecordFields) {
  ASSERT_EQ(AllSchemas().size(), 13u);
  for (const Schema& schema : AllSchemas()) {
    SCOPED_TRACE(schema.name);
    ASSERT_NE(schema.record, nullptr);
    EXPECT_EQ(schema.name, hedui::v1::Department_Name(schema.department));
    // Every field is filled from some column.
    EXPECT_EQ(schema.record->field_count(),
              static_cast<int>(schema.columns.size()));
    ASSERT_FALSE(schema.columns.empty());
    EXPECT_EQ(schema.columns[0].name, "person_id");
    EXPECT_TRUE(schema.columns[0].key);
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      const Column& column = schema.columns[i];
      SCOPED_TRACE(column.name);
      ASSERT_NE(column.field, nullptr);
      EXPECT_EQ(column.field->number(), static_cast<int>(i) + 1);
      EXPECT_EQ(column.field->name(), FieldNameFor(column.name));
      EXPECT_FALSE(column.field->is_repeated());
      EXPECT_EQ(column.field->cpp_type(), CppTypeFor(column.type));
      if (column.type == ColumnType::kDate) {
        EXPECT_EQ(column.field->message_type(), hedui::v1::Date::descriptor());
      }
      if (column.type == ColumnType::kMonth) {
        EXPECT_EQ(column.field->message_type(),
                  hedui::v1::YearMonth::descriptor());
      }
      if (column.type == ColumnType::kEnum) {
        EXPECT_FALSE(column.codes.empty());
        // Natural keys write enum numbers as two digits.
        for (const EnumCode& code : column.codes) {
          EXPECT_GT(code.number, 0);
          EXPECT_LT(code.number, 100);
        }
      }
    }
  }
}

TEST(SchemaTest, EnumCodesComeFromTheProto) {
  const Schema& tax = *FindSchema(hedui::v1::TAX);
  EXPECT_EQ(tax.columns[2].codes_list,
            "WAGE, LABOUR, BUSINESS_INCOME, PROPERTY_INCOME");
  const Schema& enrollment = *FindSchema(hedui::v1::ASSISTANCE_ENROLLMENT);
  EXPECT_EQ(enrollment.columns[1].codes_list,
            "DIBAO, TEKUN, LOW_INCOME_MARGIN, TEMPORARY, MEDICAL, HOUSING, "
            "UNION_HARDSHIP");
  EXPECT_EQ(FindSchema(hedui::v1::DEPARTMENT_UNSPECIFIED), nullptr);
}

}  // namespace
}  // namespace hedui::feed
