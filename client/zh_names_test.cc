#include "client/zh_names.h"

#include <string>

#include "gtest/gtest.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"

namespace hedui::cli {
namespace {

TEST(ZhNamesTest, FromTheProtoOptions) {
  EXPECT_EQ(ZhName(hedui::v1::DIBAO), "最低生活保障");
  EXPECT_EQ(ZhShortName(hedui::v1::DIBAO), "低保");
  EXPECT_EQ(ZhName(hedui::v1::FINANCIAL_ASSETS), "银行/证券/保险");
  // No short name: the full one.
  EXPECT_EQ(ZhShortName(hedui::v1::TAX), "税务");
  EXPECT_EQ(ZhName(hedui::v1::Finding::INCOME), "家庭收入");
  EXPECT_EQ(ZhName(hedui::v1::CHILD), "子女");
  EXPECT_EQ(ZhWithCode(hedui::v1::NEEDS_REVIEW), "需复核（NEEDS_REVIEW）");
}

TEST(ZhNamesTest, ValuesWithoutAName) {
  EXPECT_EQ(ZhName(hedui::v1::PROGRAM_UNSPECIFIED), "");
  EXPECT_EQ(ZhName(static_cast<hedui::v1::Program>(42)), "");
  EXPECT_EQ(ZhShortName(static_cast<hedui::v1::Program>(42)), "");
  EXPECT_EQ(ZhLabel(static_cast<hedui::v1::Program>(42)), "未知（42）");
  EXPECT_EQ(ZhLabel(hedui::v1::PROGRAM_UNSPECIFIED),
            "未知（PROGRAM_UNSPECIFIED）");
  EXPECT_EQ(ZhWithCode(static_cast<hedui::v1::Verdict>(9)), "未知（9）");
}

// Every code the text view shows has its Chinese name in the .proto, so
// the view never falls back to 未知 for a value this build knows.
TEST(ZhNamesTest, EveryShownCodeIsNamed) {
  const google::protobuf::EnumDescriptor* shown[] = {
      hedui::v1::Program_descriptor(),
      hedui::v1::Department_descriptor(),
      hedui::v1::Relation_descriptor(),
      hedui::v1::Verdict_descriptor(),
      hedui::v1::ResidenceClass_descriptor(),
      hedui::v1::Quantity::Unit_descriptor(),
      hedui::v1::Finding::Criterion_descriptor(),
      hedui::v1::Finding::Result_descriptor(),
      hedui::v1::IncomeCategory_descriptor(),
      hedui::v1::CategoryIncome::Source_descriptor(),
      hedui::v1::DepartmentData::State_descriptor(),
      hedui::v1::UnionTier_descriptor(),
  };
  for (const auto* type : shown) {
    for (int i = 0; i < type->value_count(); ++i) {
      const int number = type->value(i)->number();
      if (number == 0) continue;
      EXPECT_NE(ZhNameOf(type, number), "") << type->value(i)->full_name();
    }
  }
}

}  // namespace
}  // namespace hedui::cli
