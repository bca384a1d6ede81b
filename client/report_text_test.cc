#include "client/report_text.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "client/cli_test_util.h"
#include "client/report_samples.h"
#include "client/text_golden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/types/resident_id.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::EnglishOutsideParentheses;
using ::hedui::cli::testing::ExpectMatchesTextGolden;
using ::hedui::cli::testing::ProgramSampleReport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Render(const hedui::v1::Report& report) {
  std::ostringstream out;
  WriteReportText(report, out);
  return out.str();
}

const hedui::v1::Program kPrograms[] = {
    hedui::v1::DIBAO,         hedui::v1::TEKUN,   hedui::v1::LOW_INCOME_MARGIN,
    hedui::v1::TEMPORARY,     hedui::v1::MEDICAL, hedui::v1::HOUSING,
    hedui::v1::UNION_HARDSHIP};

std::string GoldenName(hedui::v1::Program program) {
  return "report_" + absl::AsciiStrToLower(hedui::v1::Program_Name(program));
}

// One reviewed text view per program (client/testdata/report_*.txt).
TEST(ReportTextGoldenTest, EveryProgram) {
  for (hedui::v1::Program program : kPrograms) {
    SCOPED_TRACE(hedui::v1::Program_Name(program));
    ExpectMatchesTextGolden(GoldenName(program),
                            Render(ProgramSampleReport(program)));
  }
}

// A caseworker who reads no English meets no English word or code, except
// in parentheses (codes for IT) and inside identifiers.
TEST(ReportTextGoldenTest, NoEnglishOutsideParentheses) {
  for (hedui::v1::Program program : kPrograms) {
    SCOPED_TRACE(hedui::v1::Program_Name(program));
    EXPECT_THAT(EnglishOutsideParentheses(Render(ProgramSampleReport(program))),
                IsEmpty());
  }
}

TEST(ReportTextGoldenTest, TheScanFindsEnglish) {
  EXPECT_THAT(EnglishOutsideParentheses("家庭收入（INCOME）：PASS 通过\n"
                                        "关系 HEAD (CHILD)\n"
                                        "R000000000001 3205**********001X "
                                        "16.50 m²/人 TAX"),
              ElementsAre("line 1: PASS", "line 2: HEAD", "line 3: TAX"));
  // An unclosed parenthesis hides nothing on the next line.
  EXPECT_THAT(EnglishOutsideParentheses("（未闭合\nDIBAO"),
              ElementsAre("line 2: DIBAO"));
}

TEST(ReportTextTest, NoResidentIdOrFullName) {
  for (hedui::v1::Program program : kPrograms) {
    const hedui::v1::Report report = ProgramSampleReport(program);
    const std::string text = Render(report);
    for (const auto& m : report.household().members()) {
      EXPECT_THAT(text, Not(HasSubstr(m.person_id())));
      EXPECT_THAT(text, Not(HasSubstr(m.name())));
      EXPECT_THAT(text, HasSubstr(MaskResidentId(m.person_id())));
    }
  }
}

// domain.md §4: exact fractions shown to whole fen, rounded down, never four
// decimals of the yuan, whatever an older engine's `shown` text says.
TEST(ReportTextTest, FractionsToTheFenRoundedDown) {
  hedui::v1::Report report = ProgramSampleReport(hedui::v1::DIBAO);
  report.mutable_income()->mutable_per_capita_monthly()->set_shown(
      "1,125.3125 元/人·月");
  const std::string text = Render(report);
  // 3,901,250 fen / 12 = 325,104.1666… fen.
  EXPECT_THAT(text, HasSubstr("3,251.04 元"));
  EXPECT_THAT(text, HasSubstr("1,125.31 元/人·月"));
  EXPECT_THAT(text, Not(HasSubstr("1,125.3125")));
  // −703,125 / 36 fen = −19,531.25 fen: toward minus infinity.
  EXPECT_THAT(text, HasSubstr("-195.32 元/人·月"));
  // 3,301 / 2 hundredths of a m² = 16.505 m².
  EXPECT_THAT(Render(ProgramSampleReport(hedui::v1::HOUSING)),
              HasSubstr("16.50 m²/人"));
}

// A department whose data are missing or stale gives no figure: its counts
// must not read as "none held" (domain.md §1).
TEST(ReportTextTest, AssetsOfUnusableDepartmentsAreNotZero) {
  hedui::v1::Report report = ProgramSampleReport(hedui::v1::DIBAO);
  report.mutable_assets()->clear_financial_assets();
  report.mutable_assets()->set_vehicles(0);
  for (auto& d : *report.mutable_departments()) {
    if (d.department() == hedui::v1::FINANCIAL_ASSETS) {
      d.set_state(hedui::v1::DepartmentData::STALE);
      d.mutable_as_of()->set_year(2026);
      d.mutable_as_of()->set_month(6);
      d.mutable_as_of()->set_day(30);
    }
    if (d.department() == hedui::v1::VEHICLES) {
      d.set_state(hedui::v1::DepartmentData::MISSING);
    }
  }
  const std::string text = Render(report);
  EXPECT_THAT(text, HasSubstr("数据不可用（银行/证券/保险数据截至 2026-06-30，"
                              "已过期）"));
  EXPECT_THAT(text, HasSubstr("数据不可用（车管数据缺失）"));
  EXPECT_THAT(text, Not(HasSubstr("0 辆（其中不可豁免")));
  // The real-estate data are fresh: their figures stay.
  EXPECT_THAT(text, HasSubstr(" 套"));
}

// The income section prints each record by member and month, counted or
// not and why.
TEST(ReportTextTest, IncomeRecordsByMemberAndMonth) {
  const std::string text = Render(ProgramSampleReport(hedui::v1::DIBAO));
  EXPECT_THAT(text, HasSubstr("2026-02  人社社保  工资性收入  计入"));
  EXPECT_THAT(text,
              HasSubstr("2026-10  税务      工资性收入  计入      2026-10 "
                        "工资薪金 4,512.50 元"));
  EXPECT_THAT(text, HasSubstr("人社社保  工资性收入  不计入    2026-10 社保缴费"
                              "基数 4,500.00 元（单位 常熟市永兴纺织有限公司）"
                              "：该月已有税务工资，不重复计入"));
  EXPECT_THAT(text, HasSubstr("无收入记录的月份：2025-11、2025-12、2026-01"));
  EXPECT_THAT(text, HasSubstr("无部门数据、按申报计入：工资性收入 月均申报 "
                              "500.00 元"));
  // The months come in order: February before March.
  EXPECT_LT(text.find("2026-02  人社社保"), text.find("2026-03  税务"));
}

// Reports stored by an engine that did not set Evidence.period: the month
// is read from the record's text; a record without one is still printed.
TEST(ReportTextTest, IncomeRecordsWithoutPeriod) {
  const std::string text = Render(ProgramSampleReport(hedui::v1::TEKUN));
  EXPECT_THAT(text, HasSubstr("2026-08   人社待遇/退役军人/民政  转移净收入  "
                              "不计入    2026-08 遗属抚恤"));
  EXPECT_THAT(text, HasSubstr("月份不明  人社待遇/退役军人/民政  转移净收入  "
                              "计入      一次性生活补助"));
  EXPECT_LT(text.find("2026-10   人社待遇"), text.find("月份不明  人社待遇"));
  // The record of an unknown month may be one of the empty months'.
  EXPECT_THAT(text, HasSubstr("无按月收入记录的月份（月份不明的记录除外）："
                              "2025-11、"));
}

TEST(ReportTextTest, NewFieldsOfTheReport) {
  const std::string dibao = Render(ProgramSampleReport(hedui::v1::DIBAO));
  EXPECT_THAT(dibao, HasSubstr("决定结论的项目  家庭收入（INCOME）\n"));
  EXPECT_THAT(dibao, HasSubstr("如何改变结果            人均月收入需低于 "
                               "930.00 元"));
  EXPECT_THAT(dibao, HasSubstr("单人保说明：申请按单人保核对"));
  EXPECT_THAT(dibao, HasSubstr("重复享受救助（DUPLICATE_ENROLLMENT）：通过"));
  const std::string tekun = Render(ProgramSampleReport(hedui::v1::TEKUN));
  EXPECT_THAT(tekun, HasSubstr("劳动能力（CANNOT_WORK）、重复享受救助"
                               "（DUPLICATE_ENROLLMENT）"));
  EXPECT_THAT(tekun, HasSubstr("缺失或过期的数据  民政救助"));
}

TEST(ReportTextTest, PolicyInChineseAndYuan) {
  const std::string text = Render(ProgramSampleReport(hedui::v1::DIBAO));
  EXPECT_THAT(text, HasSubstr("低保标准"));
  EXPECT_THAT(text, HasSubstr("930.00 元/人·月\n"));
  EXPECT_THAT(text, HasSubstr("1.5 倍\n"));
  EXPECT_THAT(text, HasSubstr("数据最长有效天数（银行/证券/保险）"));
  EXPECT_THAT(text, Not(HasSubstr("dibao_standard_fen")));
  EXPECT_THAT(text, Not(HasSubstr("93000")));
}

// A value added to the protos after this build still prints, as 未知 with
// its number, never as nothing.
TEST(ReportTextTest, ValuesNewerThanTheBuild) {
  hedui::v1::Report report = ProgramSampleReport(hedui::v1::MEDICAL);
  report.mutable_findings(0)->set_criterion(
      static_cast<hedui::v1::Finding::Criterion>(99));
  report.mutable_household()->mutable_members(0)->set_relation(
      static_cast<hedui::v1::Relation>(77));
  const std::string text = Render(report);
  EXPECT_THAT(text, HasSubstr("1. 未知（99）：通过"));
  EXPECT_THAT(text, HasSubstr("未知（77）"));
}

TEST(ReportTextTest, VerdictTextForListings) {
  EXPECT_EQ(VerdictText(hedui::v1::NEEDS_REVIEW), "NEEDS_REVIEW 需复核");
  EXPECT_EQ(VerdictText(static_cast<hedui::v1::Verdict>(9)), "VERDICT_9");
}

}  // namespace
}  // namespace hedui::cli
