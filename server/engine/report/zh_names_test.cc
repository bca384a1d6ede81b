#include "server/engine/report/zh_names.h"

#include <string>

#include "gtest/gtest.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/engine/report/finding_builder.h"
#include "server/engine/report/record_text.h"
#include "server/engine/testing/household_builder.h"

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

bool HasLatinLetter(const std::string& text) {
  for (char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  }
  return false;
}

// `name` of every value of `Enum` but 0: Chinese, and not `fallback` (the
// text for a number this build does not know).
template <typename Enum, typename Name>
void ExpectChineseNames(Name name, const std::string& fallback) {
  const google::protobuf::EnumDescriptor* type =
      google::protobuf::GetEnumDescriptor<Enum>();
  for (int i = 0; i < type->value_count(); ++i) {
    const int number = type->value(i)->number();
    if (number == 0) continue;
    const std::string text = name(static_cast<Enum>(number));
    EXPECT_FALSE(text.empty()) << type->value(i)->full_name();
    EXPECT_FALSE(HasLatinLetter(text)) << text;
    EXPECT_NE(text, fallback) << type->value(i)->full_name();
  }
}

// The records' own codes, shown in evidence and explanations.
TEST(RecordTextTest, EveryRecordCodeReadsInChinese) {
  namespace store = hedui::store::v1;
  ExpectChineseNames<hedui::v1::Department>(DepartmentName, "未知部门");
  ExpectChineseNames<hedui::v1::Relation>(RelationName, "关系不明");
  ExpectChineseNames<hedui::v1::Program>(ProgramName, "未知项目");
  ExpectChineseNames<store::RelationToHead>(RegisteredRelationName, "关系不明");
  ExpectChineseNames<store::RegistrationStatus>(StatusName, "状态不明");
  ExpectChineseNames<store::BenefitType>(BenefitName, "待遇");
  ExpectChineseNames<store::VehicleType>(VehicleName, "车辆");
  ExpectChineseNames<store::DisabilityCategory>(DisabilityName, "类别不明");
}

// The register's relations are to its head, the declared ones to the
// applicant: only the head's name differs, the rest is the one list.
TEST(RecordTextTest, RegisteredRelationsUseTheDeclaredNames) {
  namespace store = hedui::store::v1;
  EXPECT_EQ(RegisteredRelationName(store::HEAD), "户主");
  EXPECT_EQ(RelationName(hedui::v1::HEAD), "申请人");
  EXPECT_EQ(RegisteredRelationName(store::CHILD_IN_LAW), "儿媳/女婿");
  EXPECT_EQ(RelationName(hedui::v1::CHILD_IN_LAW), "儿媳/女婿");
  EXPECT_EQ(RegisteredRelationName(static_cast<store::RelationToHead>(99)),
            "关系不明");
}

// A registration status an obligor can be declared in reads as the
// declaration does: one name for custody, the proto's.
TEST(RecordTextTest, StatusesAnObligorCanBeDeclaredInShareItsNames) {
  namespace store = hedui::store::v1;
  EXPECT_EQ(StatusName(store::IN_CUSTODY), "服刑或强制隔离戒毒");
  EXPECT_EQ(StatusName(store::IN_CUSTODY),
            ZhName(hedui::v1::Obligor::IN_CUSTODY));
  EXPECT_EQ(StatusName(store::MISSING), ZhName(hedui::v1::Obligor::MISSING));
}

TEST(RecordTextTest, DepartmentsByTheirFullName) {
  EXPECT_EQ(DepartmentName(hedui::v1::TAX), "税务");
  EXPECT_EQ(DepartmentName(hedui::v1::FINANCIAL_ASSETS), "银行/证券/保险");
  EXPECT_EQ(DepartmentName(hedui::v1::ASSISTANCE_ENROLLMENT), "民政救助");
  EXPECT_EQ(DepartmentName(static_cast<hedui::v1::Department>(99)), "未知部门");
}

// A backdated verification reads the records held today, dated after the
// verification date: they are fresh (domain.md §6) and their state says
// only their as-of date, as it is.
TEST(RecordTextTest, DataDatedAfterTheVerificationDateReadAsFresh) {
  testing::HouseholdBuilder h(hedui::v1::DIBAO, absl::CivilDay(2026, 10, 20),
                              /*as_of=*/absl::CivilDay(2026, 11, 1));
  h.AddMember(absl::CivilDay(1970, 1, 1));
  absl::StatusOr<EvaluationContext> ctx =
      BuildContext(h.request(), h.records(), testing::ExamplePolicy());
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_TRUE(ctx->freshness.Usable(hedui::v1::TAX));
  EXPECT_EQ(DescribeDepartmentState(*ctx, hedui::v1::TAX),
            "税务数据截至 2026-11-01");
}

}  // namespace
}  // namespace hedui::engine
