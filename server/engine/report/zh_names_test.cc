#include "server/engine/report/zh_names.h"

#include "gtest/gtest.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"

namespace hedui::engine {
namespace {

// Every code a caseworker can meet has a Chinese name: a value added to one
// of these enums without one fails here, not in a caseworker's report.
template <typename Enum>
void ExpectEveryValueNamed() {
  const google::protobuf::EnumDescriptor* type =
      google::protobuf::GetEnumDescriptor<Enum>();
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) {
      EXPECT_EQ(ZhNameOf(type, 0), "") << value->full_name();
      continue;
    }
    EXPECT_NE(ZhNameOf(type, value->number()), "") << value->full_name();
    EXPECT_NE(ZhShortNameOf(type, value->number()), "") << value->full_name();
  }
}

TEST(ZhNamesTest, EveryCodeHasAChineseName) {
  ExpectEveryValueNamed<hedui::v1::Program>();
  ExpectEveryValueNamed<hedui::v1::Department>();
  ExpectEveryValueNamed<hedui::v1::Verdict>();
  ExpectEveryValueNamed<hedui::v1::ResidenceClass>();
  ExpectEveryValueNamed<hedui::v1::Finding::Criterion>();
  ExpectEveryValueNamed<hedui::v1::Finding::Result>();
  ExpectEveryValueNamed<hedui::v1::IncomeCategory>();
  ExpectEveryValueNamed<hedui::v1::UnionTier>();
  ExpectEveryValueNamed<hedui::v1::Relation>();
  ExpectEveryValueNamed<hedui::v1::Quantity::Unit>();
  ExpectEveryValueNamed<hedui::v1::DepartmentData::State>();
  ExpectEveryValueNamed<hedui::v1::CategoryIncome::Source>();
  ExpectEveryValueNamed<hedui::v1::Obligor::DeclaredStatus>();
}

TEST(ZhNamesTest, ShortNameFallsBackToTheFullName) {
  EXPECT_EQ(ZhName(hedui::v1::DIBAO), "最低生活保障");
  EXPECT_EQ(ZhShortName(hedui::v1::DIBAO), "低保");
  EXPECT_EQ(ZhShortName(hedui::v1::TAX), "税务");
  EXPECT_EQ(ZhName(hedui::v1::Finding::DUPLICATE_ENROLLMENT), "重复享受救助");
  EXPECT_EQ(ZhName(static_cast<hedui::v1::Program>(99)), "");
}

}  // namespace
}  // namespace hedui::engine
