#include "client/verify.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli_test_util.h"
#include "client/exit_codes.h"
#include "client/fake_verification_service.h"
#include "client/test_files.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::ApplicantId;
using ::hedui::cli::testing::CliRunner;
using ::hedui::cli::testing::FakeError;
using ::hedui::cli::testing::FakeVerificationServer;
using ::hedui::cli::testing::SampleHouseholdJson;
using ::hedui::cli::testing::SampleReport;
using ::hedui::cli::testing::SpouseId;
using ::hedui::cli::testing::UndeclaredId;
using ::hedui::cli::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class VerifyTest : public ::testing::Test {
 protected:
  VerifyTest() { server_.verification().SetReport(SampleReport()); }

  int Verify(std::vector<std::string> args) {
    args.insert(args.begin(), "verify");
    return cli_.RunAt(server_.address(), std::move(args));
  }

  FakeVerificationServer server_;
  CliRunner cli_;
};

TEST_F(VerifyTest, PrintsTheReportAsACaseworkerReadsIt) {
  const std::string file =
      WriteTempFile("household.json", SampleHouseholdJson());
  ASSERT_EQ(Verify({"--program", "dibao", "--household", file, "--date",
                    "2026-11-03"}),
            kExitOk)
      << cli_.err();

  const auto sent = server_.verification().verified();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].program(), hedui::v1::DIBAO);
  EXPECT_EQ(sent[0].verification_date().day(), 3);
  EXPECT_EQ(sent[0].members(0).person_id(), ApplicantId());
  EXPECT_EQ(sent[0].consent().signer_ids_size(), 2);

  const std::string out = cli_.out();
  EXPECT_THAT(out, StartsWith("核对报告  R000000000042\n"));
  EXPECT_THAT(out, HasSubstr("救助项目        最低生活保障（DIBAO）"));
  EXPECT_THAT(out, HasSubstr("2026-11-03"));
  EXPECT_THAT(out, HasSubstr("核对结论        不符合（DOES_NOT_MEET）"));
  EXPECT_THAT(out, HasSubstr("人均月收入 2096.55 元"));
  // Each criterion with its numbers and the records it rests on.
  EXPECT_THAT(out, HasSubstr("1. 家庭收入（INCOME）：不通过"));
  EXPECT_THAT(out, HasSubstr("2,096.55 元/人·月"));
  EXPECT_THAT(out, HasSubstr("930.00 元/人·月（低于此线方可通过）"));
  EXPECT_THAT(out, HasSubstr("-1,166.55 元/人·月"));
  EXPECT_THAT(out, HasSubstr("人均月收入不低于低保标准"));
  EXPECT_THAT(out, HasSubstr("税务，数据截至 2026-11-01  3205**********"));
  EXPECT_THAT(out, HasSubstr("2026-03 工资 3,500.00 元"));
  EXPECT_THAT(out, HasSubstr("2. 机动车辆（VEHICLES）：无法判断"));
  EXPECT_THAT(out, HasSubstr("缺失或过期的数据  车管"));
  // The household as counted, the undeclared person, income, departments.
  EXPECT_THAT(out, HasSubstr(MaskResidentId(ApplicantId())));
  EXPECT_THAT(out, HasSubstr(MaskResidentId(SpouseId())));
  EXPECT_THAT(out, HasSubstr(MaskResidentId(UndeclaredId())));
  EXPECT_THAT(out, HasSubstr("同一户号登记，未申报"));
  EXPECT_THAT(out, HasSubstr("家庭月收入  4,193.10 元"));
  // The income section prints the records it counts, by member and month.
  EXPECT_THAT(out, HasSubstr("2026-03  税务  工资性收入  计入      2026-03 "
                             "工资 3,500.00 元"));
  EXPECT_THAT(out, HasSubstr("申报工资少于税务记录"));
  EXPECT_THAT(out, HasSubstr("已过期"));
  EXPECT_THAT(out, HasSubstr("核对政策  320581-2026-07"));
  EXPECT_THAT(out, HasSubstr("低保标准          930.00 元/人·月"));
  // No resident ID or full name is printed, not even inside server text.
  for (const std::string& id : {ApplicantId(), SpouseId(), UndeclaredId()}) {
    EXPECT_THAT(out, Not(HasSubstr(id)));
  }
  EXPECT_THAT(out, Not(HasSubstr("王建国")));
  EXPECT_THAT(out, HasSubstr("王**"));
  EXPECT_EQ(cli_.err(), "");
}

TEST_F(VerifyTest, TextFormatHouseholdAndItsProgram) {
  const std::string file =
      WriteTempFile("household.textproto",
                    absl::StrCat("program: TEKUN\nmembers { person_id: \"",
                                 ApplicantId(), "\" relation: HEAD }\n"));
  ASSERT_EQ(Verify({"--household", file}), kExitOk) << cli_.err();
  const auto sent = server_.verification().verified();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].program(), hedui::v1::TEKUN);
  EXPECT_FALSE(sent[0].has_verification_date());
}

TEST_F(VerifyTest, JsonOutputIsTheReportAndParsesBack) {
  const std::string file =
      WriteTempFile("household.json", SampleHouseholdJson());
  ASSERT_EQ(
      Verify({"--program", "DIBAO", "--household", file, "--output", "json"}),
      kExitOk)
      << cli_.err();
  const std::string out = cli_.out();
  EXPECT_THAT(out, StartsWith("{\"report_id\":\"R000000000042\""));
  EXPECT_THAT(out, HasSubstr("\"verification_date\":"));
  EXPECT_EQ(out.back(), '\n');
  hedui::v1::Report parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &parsed).ok());
  hedui::v1::Report expected = SampleReport();
  *expected.mutable_request() = server_.verification().verified()[0];
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(parsed, expected))
      << parsed.DebugString();
}

TEST_F(VerifyTest, UsageErrorsSendNothing) {
  const std::string good =
      WriteTempFile("household.json", SampleHouseholdJson());
  const std::string no_program = WriteTempFile(
      "noprogram.json",
      absl::StrCat(R"({"members":[{"person_id":")", ApplicantId(), R"("}]})"));
  std::string bad_id = ApplicantId();
  bad_id[17] = bad_id[17] == '1' ? '2' : '1';
  const std::string wrong_check = WriteTempFile(
      "badid.json",
      absl::StrCat(R"({"members":[{"person_id":")", bad_id, R"("}]})"));
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--program", "DIBAO"}, "--household FILE or --batch"},
      {{"--program", "WELFARE", "--household", good},
       "--program: unknown program \"WELFARE\""},
      {{"--program", "DIBAO", "--household", good, "--date", "2026-02-30"},
       "--date \"2026-02-30\": not a calendar date"},
      {{"--program", "DIBAO", "--household", good + ".missing"},
       "--household: cannot open"},
      {{"--program", "DIBAO", "--household",
        WriteTempFile("h.yaml", "program: DIBAO")},
       "unknown format"},
      {{"--program", "DIBAO", "--household",
        WriteTempFile("h.json", "{\"members\": [")},
       "not a hedui.v1.VerificationRequest in proto JSON"},
      {{"--program", "DIBAO", "--household",
        WriteTempFile("h.json", R"({"member": []})")},
       "not a hedui.v1.VerificationRequest in proto JSON"},
      {{"--household",
        WriteTempFile("h.txtpb", "program: DIBAO\nmembers { oops: 1 }\n")},
       "line 2, column"},
      {{"--household", no_program}, "--program is required"},
      {{"--program", "DIBAO", "--household", WriteTempFile("empty.json", "{}")},
       "no members"},
      {{"--program", "DIBAO", "--household", wrong_check},
       "--household: members[0].person_id: the check character"},
      {{"--batch", good, "--household", good}, "exclusive"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    EXPECT_EQ(Verify(c.args), kExitUsage);
    EXPECT_THAT(cli_.err(), HasSubstr(c.expected));
    EXPECT_THAT(cli_.err(), StartsWith("hedui verify: "));
    EXPECT_THAT(cli_.err(), Not(HasSubstr(bad_id)));
    EXPECT_EQ(cli_.out(), "");
  }
  EXPECT_EQ(server_.verification().calls(), 0);
}

TEST_F(VerifyTest, ParseErrorsDoNotQuoteTheFile) {
  const std::string file = WriteTempFile(
      "broken.json", absl::StrCat(R"({"members":[{"person_id":")",
                                  ApplicantId(), R"(", "name": }]})"));
  EXPECT_EQ(Verify({"--program", "DIBAO", "--household", file}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("proto JSON"));
  EXPECT_THAT(cli_.err(), Not(HasSubstr(ApplicantId().substr(6, 8))));
}

TEST_F(VerifyTest, ServerErrorsMapToExitCodes) {
  const std::string file =
      WriteTempFile("household.json", SampleHouseholdJson());
  struct Case {
    grpc::StatusCode code;
    int exit_code;
  };
  for (const Case& c : std::vector<Case>{
           {grpc::StatusCode::FAILED_PRECONDITION, kExitFailedPrecondition},
           {grpc::StatusCode::PERMISSION_DENIED, kExitPermission},
           {grpc::StatusCode::UNAUTHENTICATED, kExitPermission},
           {grpc::StatusCode::UNAVAILABLE, kExitUnavailable},
           {grpc::StatusCode::NOT_FOUND, kExitNotFound},
           {grpc::StatusCode::INTERNAL, kExitError}}) {
    server_.verification().FailWith(
        {grpc::Status(c.code, "refused for a test"), absl::nullopt});
    EXPECT_EQ(Verify({"--program", "DIBAO", "--household", file}), c.exit_code);
    EXPECT_THAT(cli_.err(), StartsWith("hedui verify: "));
    EXPECT_THAT(cli_.err(), HasSubstr("refused for a test"));
    EXPECT_EQ(cli_.out(), "");
  }
}

TEST_F(VerifyTest, ConsentRefusalListsTheFields) {
  hedui::v1::ErrorDetails details;
  auto* v = details.add_field_violations();
  v->set_field("consent.signer_ids");
  v->set_description("member 2 (SPOUSE, adult) has not signed");
  details.set_total_violations(1);
  server_.verification().FailWith(
      {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                    "the consent does not cover the request"),
       details});
  const std::string file =
      WriteTempFile("household.json", SampleHouseholdJson());
  EXPECT_EQ(Verify({"--program", "DIBAO", "--household", file}),
            kExitFailedPrecondition);
  EXPECT_EQ(cli_.err(),
            "hedui verify: FAILED_PRECONDITION: the consent does not cover "
            "the request\n"
            "  consent.signer_ids: member 2 (SPOUSE, adult) has not signed\n");
}

// ---- --batch ----

std::string BatchLine(const std::string& application_id) {
  return absl::StrCat(R"({"application_id":")", application_id,
                      R"(","members":[{"person_id":")", ApplicantId(),
                      R"("}]})");
}

TEST_F(VerifyTest, BatchStreamsEveryLineAndKeepsGoingPastABadItem) {
  const std::string file =
      WriteTempFile("requests.jsonl",
                    absl::StrCat(BatchLine("APP-1"), "\n\n", BatchLine("APP-2"),
                                 "\n", BatchLine("APP-3"), "\n"));
  hedui::v1::ErrorDetails details;
  details.add_field_violations()->set_field("consent");
  details.mutable_field_violations(0)->set_description("expired");
  server_.verification().FailBatchItem(
      "APP-2", {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                             "consent does not cover the request"),
                details});
  EXPECT_EQ(
      Verify({"--batch", file, "--program", "HOUSING", "--date", "2026-11-05"}),
      kExitFailedPrecondition)
      << cli_.err();

  const auto sent = server_.verification().batch_received();
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& request : sent) {
    EXPECT_EQ(request.program(), hedui::v1::HOUSING);
    EXPECT_EQ(request.verification_date().day(), 5);
  }
  EXPECT_EQ(sent[2].application_id(), "APP-3");

  const std::vector<std::string> lines = absl::StrSplit(cli_.out(), '\n');
  ASSERT_GE(lines.size(), 4u) << cli_.out();
  EXPECT_THAT(lines[0], HasSubstr("     0  APP-1"));
  EXPECT_THAT(lines[0], HasSubstr("DOES_NOT_MEET 不符合  R000000000043"));
  EXPECT_THAT(lines[1], HasSubstr("     1  APP-2"));
  EXPECT_THAT(lines[1],
              HasSubstr("FAILED_PRECONDITION: consent does not cover the "
                        "request"));
  EXPECT_THAT(lines[2], HasSubstr("consent: expired"));
  EXPECT_THAT(lines[3], HasSubstr("     2  APP-3"));
  EXPECT_THAT(cli_.out(), HasSubstr("3 results for 3 requests"));
  EXPECT_THAT(cli_.out(), HasSubstr("DOES_NOT_MEET        不符合       2"));
  EXPECT_THAT(cli_.out(), HasSubstr("FAILED_PRECONDITION  (error)      1"));
  EXPECT_EQ(cli_.err(), "");
}

TEST_F(VerifyTest, BatchAllOkExitsZeroAndPrintsJsonLines) {
  const std::string file = WriteTempFile(
      "requests.jsonl",
      absl::StrCat(BatchLine("APP-1"), "\n", BatchLine("APP-\\\"2\\\""), "\n"));
  server_.verification().FailBatchItem(
      "nobody", {grpc::Status(grpc::StatusCode::INTERNAL, ""), {}});
  ASSERT_EQ(Verify({"--batch", file, "--output", "json"}), kExitOk)
      << cli_.err();
  const std::vector<std::string> lines =
      absl::StrSplit(cli_.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok())
        << line;
  }
  EXPECT_THAT(lines[1], StartsWith("{\"application_id\":\"APP-\\\"2\\\"\","));
  EXPECT_THAT(lines[1], HasSubstr("\"index\":\"1\""));
  EXPECT_EQ(lines[2],
            "{\"summary\":{\"sent\":2,\"results\":2,\"verdicts\":{"
            "\"DOES_NOT_MEET\":2},\"errors\":{}}}");
}

TEST_F(VerifyTest, BatchShowsProgressOnATerminal) {
  const std::string file =
      WriteTempFile("requests.jsonl",
                    absl::StrCat(BatchLine("APP-1"), "\n", BatchLine("APP-2"),
                                 "\n", BatchLine("APP-3"), "\n"));
  std::ostringstream out;
  std::ostringstream err;
  CommandContext ctx;
  ctx.connection.server = server_.address();
  ctx.connection.insecure = true;
  ctx.out = &out;
  ctx.err = &err;
  ctx.progress = true;  // stderr is a terminal, stdout a file
  VerifyOptions options;
  options.batch = file;
  ASSERT_EQ(RunVerify(ctx, options), kExitOk) << err.str();
  // As ingest: one updating line, its last state ended by a newline.
  EXPECT_THAT(err.str(), StartsWith("\r  0.0%  0 of 3 results"));
  EXPECT_THAT(err.str(), HasSubstr("\r100.0%  3 of 3 results"));
  const std::string drawn = err.str();
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\n'), 1);
  EXPECT_EQ(err.str().back(), '\n');
  // Results and summary on stdout are untouched by it.
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  EXPECT_THAT(out.str(), HasSubstr("3 results for 3 requests"));

  // Without a terminal nothing but results (verify_test's other cases).
  ctx.progress = false;
  err.str("");
  ASSERT_EQ(RunVerify(ctx, options), kExitOk);
  EXPECT_EQ(err.str(), "");
}

TEST_F(VerifyTest, BatchExitCodeIsTheMostSevereItems) {
  const std::string file = WriteTempFile(
      "requests.jsonl", absl::StrCat(BatchLine("A"), "\n", BatchLine("B"), "\n",
                                     BatchLine("C"), "\n"));
  server_.verification().FailBatchItem(
      "A", {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"), {}});
  server_.verification().FailBatchItem(
      "B", {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "county"), {}});
  server_.verification().FailBatchItem(
      "C",
      {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "consent"), {}});
  EXPECT_EQ(Verify({"--batch", file}), kExitPermission);
}

TEST_F(VerifyTest, BatchLineThatIsNotARequestStopsBeforeSending) {
  const std::string file = WriteTempFile(
      "requests.jsonl",
      absl::StrCat(BatchLine("APP-1"), "\n", "{\"members\": 3}\n"));
  EXPECT_EQ(Verify({"--batch", file}), kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("hedui verify: --batch: line 2: not a "
                                    "hedui.v1.VerificationRequest"));
  EXPECT_EQ(Verify({"--batch", WriteTempFile("empty.jsonl", "\n")}),
            kExitUsage);
  EXPECT_THAT(cli_.err(), HasSubstr("holds no request"));
  EXPECT_EQ(server_.verification().calls(), 0);
}

TEST_F(VerifyTest, BatchRefusedAsAWhole) {
  server_.verification().FailWith(
      {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not a caller"), {}});
  const std::string file =
      WriteTempFile("requests.jsonl", BatchLine("APP-1") + "\n");
  EXPECT_EQ(Verify({"--batch", file}), kExitPermission);
  EXPECT_THAT(cli_.err(),
              HasSubstr("hedui verify: PERMISSION_DENIED: not a caller"));
}

TEST(ParseRequestFileTest, FormatsByExtension) {
  const std::string json = SampleHouseholdJson();
  EXPECT_TRUE(ParseRequestFile("a.JSON", json).ok());
  EXPECT_TRUE(ParseRequestFile("a.txt", "application_id: \"x\"").ok());
  EXPECT_TRUE(ParseRequestFile("a.txtpb", "application_id: \"x\"").ok());
  EXPECT_FALSE(ParseRequestFile("a.json", "application_id: \"x\"").ok());
  EXPECT_FALSE(ParseRequestFile("a.csv", json).ok());
}

}  // namespace
}  // namespace hedui::cli
