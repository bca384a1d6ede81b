#include "client/reports.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_verification_service.h"
#include "client/report_id.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::ApplicantId;
using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeVerificationServer;
using ::hedui::cli::testing::SampleReport;
using ::hedui::cli::testing::TestDate;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class ReportsTest : public ::testing::Test {
 protected:
  ReportsTest() { server_.verification().SetReport(SampleReport()); }

  int Run(std::vector<std::string> args) {
    return cli_.RunAt(server_.address(), std::move(args));
  }

  static std::vector<hedui::v1::ReportSummary> Summaries(int n) {
    std::vector<hedui::v1::ReportSummary> reports;
    for (int i = 0; i < n; ++i) {
      hedui::v1::ReportSummary s;
      s.set_report_id(absl::StrFormat("R%012d", 1000 + i));
      s.set_program(hedui::v1::DIBAO);
      *s.mutable_verification_date() = TestDate(2026, 11, 1 + i % 28);
      s.set_verdict(i % 2 == 0 ? hedui::v1::MEETS_CRITERIA
                               : hedui::v1::NEEDS_REVIEW);
      s.set_region_code("320581");
      s.set_persons(2);
      s.set_application_id(absl::StrCat("APP-", i));
      reports.push_back(s);
    }
    return reports;
  }

  FakeVerificationServer server_;
  CliRunner cli_;
};

TEST_F(ReportsTest, GetRendersLikeVerify) {
  ASSERT_EQ(Run({"report", "get", "R000000000042"}), kExitOk) << cli_.err();
  EXPECT_THAT(cli_.out(), StartsWith("核对报告  R000000000042\n"));
  EXPECT_THAT(cli_.out(), HasSubstr("不符合（DOES_NOT_MEET）"));
  EXPECT_THAT(cli_.out(), HasSubstr("家庭收入（INCOME）：不通过"));
  EXPECT_THAT(cli_.out(), Not(HasSubstr(ApplicantId())));

  ASSERT_EQ(Run({"report", "get", "R000000000042", "--output", "json"}),
            kExitOk);
  hedui::v1::Report parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), SampleReport().SerializeAsString());
}

TEST_F(ReportsTest, GetUnknownIsNotFound) {
  EXPECT_EQ(Run({"report", "get", "R000000000007"}), kExitNotFound);
  EXPECT_EQ(cli_.err(), "hedui report get: NOT_FOUND: no such report\n");
  EXPECT_EQ(Run({"report", "get"}), kExitUsage);
}

// The CLI refuses an id heduid cannot have made before connecting: exit 2
// (a call would answer NOT_FOUND, exit 7), naming the argument and the form.
TEST_F(ReportsTest, GetRefusesAMalformedIdItself) {
  const std::string resident_id = ApplicantId();
  for (const std::string& bad :
       {std::string("R-20261103-000042"), std::string("R 1"),
        std::string("r000000000042"), std::string("R00000000042"),
        std::string("R0000000000042"), std::string("R000000000000"),
        std::string("X000000000042"), std::string("R00000000004x"),
        std::string(""), resident_id}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Run({"report", "get", bad}), kExitUsage);
    EXPECT_THAT(cli_.err(), StartsWith("hedui report get: ID: "));
    EXPECT_THAT(cli_.err(), HasSubstr("expected R followed by 12 digits, e.g. "
                                      "R000000000001"));
    EXPECT_THAT(cli_.err(), Not(HasSubstr(resident_id)));
    EXPECT_EQ(cli_.out(), "");
  }
}

TEST(ReportIdTest, TheServersForm) {
  EXPECT_TRUE(ValidateReportId("ID", "R000000000001").ok());
  EXPECT_TRUE(ValidateReportId("ID", "R999999999999").ok());
  absl::Status s = ValidateReportId("ID", "R00000000001");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "ID: the report id has 12 characters, not 13 (expected R "
            "followed by 12 digits, e.g. R000000000001)");
  // Characters are counted, not bytes: fullwidth and Arabic-Indic forms.
  EXPECT_EQ(ValidateReportId("ID", "\uFF3200000000001").message(),
            "ID: the report id has 12 characters, not 13 (expected R "
            "followed by 12 digits, e.g. R000000000001)");
  EXPECT_EQ(ValidateReportId("ID",
                             "R\u0660\u0660\u0660\u0660\u0660\u0660"
                             "\u0660\u0660\u0660\u0660\u0660\u0661")
                .message(),
            "ID: the report id has characters other than R and the digits "
            "0-9 (fullwidth?) (expected R followed by 12 digits, e.g. "
            "R000000000001)");
  EXPECT_EQ(ValidateReportId("ID", "R000000000000").message(),
            "ID: the report id is R000000000000, which no report has "
            "(expected R followed by 12 digits, e.g. R000000000001)");
}

TEST_F(ReportsTest, ListOnePageAndAnnouncesTheNext) {
  server_.verification().SetReportSummaries(Summaries(120));
  ASSERT_EQ(Run({"report", "list", "--person", ApplicantId(), "--program",
                 "dibao", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--verdict", "needs_review"}),
            kExitOk)
      << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 51u);  // the header and the server's 50
  EXPECT_THAT(lines[0], StartsWith("REPORT ID"));
  EXPECT_THAT(lines[1], HasSubstr("R000000001000  2026-11-01  DIBAO"));
  EXPECT_THAT(lines[1], HasSubstr("MEETS_CRITERIA 符合"));
  EXPECT_THAT(cli_.err(), HasSubstr("more reports: add --all, or "
                                    "--page-token 50"));
  const auto requests = server_.verification().list_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].person_id(), ApplicantId());
  EXPECT_EQ(requests[0].program(), hedui::v1::DIBAO);
  EXPECT_EQ(requests[0].from_date().day(), 1);
  EXPECT_EQ(requests[0].to_date().day(), 30);
  EXPECT_EQ(requests[0].verdict(), hedui::v1::NEEDS_REVIEW);
}

TEST_F(ReportsTest, ListAllFollowsThePageTokens) {
  server_.verification().SetReportSummaries(Summaries(120));
  ASSERT_EQ(
      Run({"report", "list", "--page-size", "50", "--all", "--output", "json"}),
      kExitOk)
      << cli_.err();
  hedui::v1::ListReportsResponse parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(cli_.out(), &parsed).ok());
  ASSERT_EQ(parsed.reports_size(), 120);
  EXPECT_EQ(parsed.reports(119).report_id(), "R000000001119");
  EXPECT_EQ(parsed.next_page_token(), "");
  EXPECT_EQ(cli_.err(), "");
  const auto requests = server_.verification().list_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].page_token(), "");
  EXPECT_EQ(requests[1].page_token(), "50");
  EXPECT_EQ(requests[2].page_token(), "100");
  for (const auto& r : requests) EXPECT_EQ(r.page_size(), 50);

  ASSERT_EQ(Run({"report", "list", "--all"}), kExitOk);
  const std::string table = cli_.out();
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 121);
}

TEST_F(ReportsTest, ListUsageErrors) {
  std::string bad_id = ApplicantId();
  bad_id[17] = bad_id[17] == '1' ? '2' : '1';
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"report", "list", "--person", bad_id}, "--person: the check"},
      {{"report", "list", "--person", "12345"}, "--person: a resident ID"},
      {{"report", "list", "--program", "LOWINCOME"}, "--program: unknown"},
      {{"report", "list", "--verdict", "OK"}, "--verdict: unknown verdict"},
      {{"report", "list", "--from", "2026-13-01"}, "--from \"2026-13-01\""},
      {{"report", "list", "--from", "2026-11-02", "--to", "2026-11-01"},
       "--from 2026-11-02 is after --to 2026-11-01"},
      {{"report", "list", "--page-size", "501"}, "--page-size 501"},
      {{"stats", "--to", "2026-12-31"}, "--from is required"},
      {{"stats", "--from", "2026-01-01"}, "--to is required"},
      {{"stats", "--from", "2026-1-1", "--to", "2026-12-31"}, "--from"},
      {{"stats", "--from", "2026-01-01", "--to", "2026-12-31", "--region",
        "3205"},
       "--region \"3205\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Run(c.args), kExitUsage);
    EXPECT_THAT(cli_.err(), HasSubstr(c.expected));
    EXPECT_THAT(cli_.err(), Not(HasSubstr(bad_id)));
    EXPECT_EQ(cli_.out(), "");
  }
  EXPECT_EQ(server_.verification().calls(), 0);
}

TEST_F(ReportsTest, StatsTableProgramByVerdict) {
  hedui::v1::GetStatsResponse stats;
  auto add = [&](hedui::v1::Program p, hedui::v1::Verdict v, int64_t h,
                 int64_t persons) {
    auto* row = stats.add_rows();
    row->set_program(p);
    row->set_verdict(v);
    row->set_households(h);
    row->set_persons(persons);
  };
  add(hedui::v1::DIBAO, hedui::v1::MEETS_CRITERIA, 3300, 7700);
  add(hedui::v1::DIBAO, hedui::v1::DOES_NOT_MEET, 1066, 2440);
  add(hedui::v1::DIBAO, hedui::v1::NEEDS_REVIEW, 900, 2100);
  add(hedui::v1::TEKUN, hedui::v1::MEETS_CRITERIA, 459, 475);
  stats.set_households(5725);
  stats.set_persons(12715);
  server_.verification().SetStats(stats);

  ASSERT_EQ(Run({"stats", "--from", "2026-07-01", "--to", "2026-12-31",
                 "--region", "320581"}),
            kExitOk)
      << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << cli_.out();
  EXPECT_THAT(lines[1], HasSubstr("MEETS_CRITERIA 符合"));
  EXPECT_THAT(lines[1], HasSubstr("TOTAL"));
  EXPECT_THAT(lines[2], StartsWith("DIBAO    最低生活保障"));
  EXPECT_THAT(lines[2], HasSubstr("3300/7700"));
  EXPECT_THAT(lines[2], HasSubstr("1066/2440"));
  EXPECT_THAT(lines[2], HasSubstr("5266/12240"));
  EXPECT_THAT(lines[3], HasSubstr("459/475"));
  EXPECT_THAT(lines[3], HasSubstr("0/0"));
  EXPECT_THAT(lines[4], StartsWith("TOTAL"));
  EXPECT_THAT(lines[4], HasSubstr("3759/8175"));
  EXPECT_THAT(lines[4], HasSubstr("5725/12715"));
  const auto requests = server_.verification().stats_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].region_code(), "320581");
  EXPECT_EQ(requests[0].from_date().month(), 7);
  EXPECT_EQ(requests[0].to_date().month(), 12);

  ASSERT_EQ(Run({"stats", "--from", "2026-07-01", "--to", "2026-12-31",
                 "--output", "json"}),
            kExitOk);
  EXPECT_THAT(cli_.out(), HasSubstr("\"households\":\"5725\""));
}

TEST_F(ReportsTest, ServerErrorsMapToExitCodes) {
  server_.verification().FailWith(
      {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "staff only"), {}});
  EXPECT_EQ(Run({"report", "list"}), kExitPermission);
  EXPECT_EQ(cli_.err(), "hedui report list: PERMISSION_DENIED: staff only\n");
  server_.verification().FailWith(
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"), {}});
  EXPECT_EQ(Run({"stats", "--from", "2026-07-01", "--to", "2026-12-31"}),
            kExitUnavailable);
  server_.verification().FailWith(
      {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "region"), {}});
  EXPECT_EQ(Run({"report", "get", "R000000000001"}), kExitInvalidArgument);
}

}  // namespace
}  // namespace hedui::cli
