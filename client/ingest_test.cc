#include "client/ingest.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "client/exit_codes.h"
#include "client/fake_admin_service.h"
#include "client/file_source.h"
#include "client/progress.h"
#include "client/test_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::CsvOfSize;
using ::hedui::cli::testing::FakeAdminServer;
using ::hedui::cli::testing::FakeAdminService;
using ::hedui::cli::testing::WriteTempFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

IngestOptions ValidOptions() {
  IngestOptions options;
  options.department = "TAX";
  options.as_of = "2026-10-31";
  options.file = "tax.csv";
  return options;
}

// ---- Flag validation (no file, no network) ----

TEST(BuildIngestHeaderTest, ValidFlags) {
  IngestOptions options = ValidOptions();
  options.department = "housing_fund";  // case is forgiven
  options.delta = true;
  options.force = true;
  options.encoding = "gb18030";
  options.batch_id = "export-17";
  absl::StatusOr<hedui::v1::IngestHeader> header = BuildIngestHeader(options);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->department(), hedui::v1::HOUSING_FUND);
  EXPECT_EQ(header->as_of().year(), 2026);
  EXPECT_EQ(header->as_of().month(), 10);
  EXPECT_EQ(header->as_of().day(), 31);
  EXPECT_TRUE(header->delta());
  EXPECT_TRUE(header->force());
  EXPECT_EQ(header->encoding(), hedui::v1::GB18030);
  EXPECT_EQ(header->batch_id(), "export-17");
}

TEST(BuildIngestHeaderTest, DefaultsAreUtf8AndNoBatchId) {
  absl::StatusOr<hedui::v1::IngestHeader> header =
      BuildIngestHeader(ValidOptions());
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->encoding(), hedui::v1::UTF8);
  EXPECT_EQ(header->batch_id(), "");
  EXPECT_FALSE(header->delta());
  EXPECT_FALSE(header->force());
}

struct BadFlagCase {
  std::string name;
  void (*mutate)(IngestOptions*);
  std::string flag;  // the message must name it
};

class BadFlagTest : public ::testing::TestWithParam<BadFlagCase> {};

TEST_P(BadFlagTest, ErrorNamesTheFlag) {
  IngestOptions options = ValidOptions();
  GetParam().mutate(&options);
  absl::StatusOr<hedui::v1::IngestHeader> header = BuildIngestHeader(options);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(header.status().message()),
              HasSubstr(GetParam().flag));
}

INSTANTIATE_TEST_SUITE_P(
    Flags, BadFlagTest,
    ::testing::Values(
        BadFlagCase{"UnknownDepartment",
                    [](IngestOptions* o) { o->department = "POLICE"; },
                    "--department"},
        BadFlagCase{
            "UnspecifiedDepartment",
            [](IngestOptions* o) { o->department = "DEPARTMENT_UNSPECIFIED"; },
            "--department"},
        BadFlagCase{"NumericDepartment",
                    [](IngestOptions* o) { o->department = "6"; },
                    "--department"},
        BadFlagCase{"MissingDepartment",
                    [](IngestOptions* o) { o->department = ""; },
                    "--department"},
        BadFlagCase{"ImpossibleDate",
                    [](IngestOptions* o) { o->as_of = "2026-02-30"; },
                    "--as-of"},
        BadFlagCase{"NotLeapYear",
                    [](IngestOptions* o) { o->as_of = "2025-02-29"; },
                    "--as-of"},
        BadFlagCase{"LooseDate",
                    [](IngestOptions* o) { o->as_of = "2026-2-3"; }, "--as-of"},
        BadFlagCase{"SlashDate",
                    [](IngestOptions* o) { o->as_of = "2026/10/31"; },
                    "--as-of"},
        BadFlagCase{"MissingDate", [](IngestOptions* o) { o->as_of = ""; },
                    "--as-of"},
        BadFlagCase{"UnknownEncoding",
                    [](IngestOptions* o) { o->encoding = "LATIN1"; },
                    "--encoding"},
        BadFlagCase{"EmptyBatchId", [](IngestOptions* o) { o->batch_id = " "; },
                    "--batch-id"},
        BadFlagCase{"MissingFile", [](IngestOptions* o) { o->file = ""; },
                    "FILE"},
        BadFlagCase{"HoldWithPreview",
                    [](IngestOptions* o) {
                      o->hold = true;
                      o->preview = true;
                    },
                    "--hold"}),
    [](const auto& info) { return info.param.name; });

TEST(BuildIngestHeaderTest, UnknownDepartmentListsTheCodes) {
  IngestOptions options = ValidOptions();
  options.department = "POLICE";
  const std::string message(BuildIngestHeader(options).status().message());
  EXPECT_THAT(message, HasSubstr("\"POLICE\""));
  EXPECT_THAT(message, HasSubstr("HOUSEHOLD_REGISTRATION"));
  EXPECT_THAT(message, HasSubstr("ASSISTANCE_ENROLLMENT"));
  EXPECT_THAT(message, Not(HasSubstr("DEPARTMENT_UNSPECIFIED")));
}

TEST(BuildIngestHeaderTest, HoldIsSent) {
  IngestOptions options = ValidOptions();
  options.hold = true;
  absl::StatusOr<hedui::v1::IngestHeader> header = BuildIngestHeader(options);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_TRUE(header->hold());
  EXPECT_FALSE(header->preview());
  EXPECT_FALSE(BuildIngestHeader(ValidOptions())->hold());
}

// ---- `hedui feeds confirm`: each --department with its --batch-id ----

TEST(BuildConfirmHeldFeedsTest, PairsTheFlagsInOrder) {
  auto request =
      BuildConfirmHeldFeeds({"social_insurance", "TAX"}, {"si-1", "tax-1"});
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->feeds_size(), 2);
  EXPECT_EQ(request->feeds(0).department(), hedui::v1::SOCIAL_INSURANCE);
  EXPECT_EQ(request->feeds(0).batch_id(), "si-1");
  EXPECT_EQ(request->feeds(1).department(), hedui::v1::TAX);
  EXPECT_EQ(request->feeds(1).batch_id(), "tax-1");
  auto one = BuildConfirmHeldFeeds({"TAX"}, {"tax-1"});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->feeds_size(), 1);
}

TEST(BuildConfirmHeldFeedsTest, MistakesNameTheFlag) {
  struct Case {
    std::vector<std::string> departments;
    std::vector<std::string> batch_ids;
    std::string flag;
  };
  for (const Case& c :
       std::vector<Case>{{{}, {}, "--department"},
                         {{"TAX", "SOCIAL_INSURANCE"}, {"tax-1"}, "--batch-id"},
                         {{"TAX"}, {"a", "b"}, "--batch-id"},
                         {{"TAX", "tax"}, {"a", "b"}, "--department"},
                         {{"POLICE"}, {"a"}, "--department"},
                         {{"TAX"}, {" "}, "--batch-id"}}) {
    auto request = BuildConfirmHeldFeeds(c.departments, c.batch_ids);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(request.status().message()),
                ::testing::StartsWith(c.flag + ":"));
  }
}

// ---- RunIngest against an in-process AdminService double ----

class IngestCommandTest : public ::testing::Test {
 protected:
  IngestCommandTest() {
    ctx_.connection.server = server_.address();
    ctx_.connection.insecure = true;
    ctx_.out = &out_;
    ctx_.err = &err_;
    FakeAdminService::IngestBehavior ok;
    ok.response.set_batch_id("from-server");
    ok.response.set_department(hedui::v1::TAX);
    ok.response.set_rows(41);
    ok.response.set_upserts(41);
    ok.response.set_generation(2);
    ok.response.set_rows_now_current(41);
    *ok.response.mutable_as_of() = Date(2026, 10, 31);
    ok.response.set_server_seconds(0.25);
    server_.service().SetIngestBehavior(ok);
  }

  static hedui::v1::Date Date(int y, int m, int d) {
    hedui::v1::Date date;
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
    return date;
  }

  FakeAdminServer server_;
  CommandContext ctx_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(IngestCommandTest, StreamsTheFileInOneMibChunksAfterTheHeader) {
  const std::string content = CsvOfSize(2 * kIngestChunkBytes + 12345);
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", content);
  options.delta = true;
  options.encoding = "GB18030";

  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();

  const FakeAdminService::Received got = server_.service().received();
  EXPECT_EQ(got.calls, 1);
  EXPECT_TRUE(got.header_first);
  EXPECT_EQ(got.header_messages, 1);
  EXPECT_FALSE(got.cancelled);
  EXPECT_TRUE(got.bytes == content) << "received bytes differ from the file";
  EXPECT_THAT(got.chunk_sizes,
              ElementsAre(kIngestChunkBytes, kIngestChunkBytes,
                          content.size() - 2 * kIngestChunkBytes));
  EXPECT_EQ(got.header.department(), hedui::v1::TAX);
  EXPECT_EQ(got.header.as_of().SerializeAsString(),
            Date(2026, 10, 31).SerializeAsString());
  EXPECT_TRUE(got.header.delta());
  EXPECT_FALSE(got.header.force());
  EXPECT_EQ(got.header.encoding(), hedui::v1::GB18030);
  EXPECT_EQ(got.header.total_bytes(), static_cast<int64_t>(content.size()));
  // The default batch id is the SHA-256 of the bytes, sent after them.
  absl::StatusOr<std::string> sha = Sha256FileHex(options.file);
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(got.header.batch_id(), "");
  EXPECT_EQ(got.batch_id_trailer, *sha);

  // Not a terminal: no progress, only the summary on stdout.
  EXPECT_EQ(err_.str(), "");
  EXPECT_THAT(out_.str(), HasSubstr("department        TAX\n"));
  EXPECT_THAT(out_.str(), HasSubstr("rows              41\n"));
  EXPECT_THAT(out_.str(), HasSubstr("generation        2\n"));
  EXPECT_THAT(out_.str(), HasSubstr("server seconds    0.250\n"));
}

TEST_F(IngestCommandTest, DefaultBatchIdOfKnownContent) {
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("abc.csv", "abc");
  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();
  // echo -n abc | sha256sum
  EXPECT_EQ(server_.service().received().batch_id_trailer,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(IngestCommandTest, ExplicitBatchIdAndForce) {
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(1000));
  options.batch_id = "tax-2026-10";
  options.force = true;
  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();
  const FakeAdminService::Received got = server_.service().received();
  EXPECT_EQ(got.header.batch_id(), "tax-2026-10");
  EXPECT_EQ(got.batch_id_trailer, "");
  EXPECT_TRUE(got.header.force());
  EXPECT_EQ(got.header.encoding(), hedui::v1::UTF8);
  EXPECT_THAT(got.chunk_sizes, ElementsAre(got.bytes.size()));
}

TEST_F(IngestCommandTest, EmptyFileSendsOnlyTheHeader) {
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("empty.csv", "");
  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();
  const FakeAdminService::Received got = server_.service().received();
  EXPECT_EQ(got.header_messages, 1);
  EXPECT_THAT(got.chunk_sizes, IsEmpty());
  EXPECT_EQ(got.header.total_bytes(), 0);
}

TEST_F(IngestCommandTest, JsonSummary) {
  ctx_.output = OutputFormat::kJson;
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(100));
  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"batch_id\":\"from-server\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"rows\":\"41\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"deletions\":\"0\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"client_seconds\":"));
  EXPECT_THAT(out_.str(), HasSubstr("\"rows_per_second\":"));
}

TEST_F(IngestCommandTest, ProgressOnATerminal) {
  ctx_.progress = true;
  IngestOptions options = ValidOptions();
  const std::string content = CsvOfSize(3 * kIngestChunkBytes);
  options.file = WriteTempFile("tax.csv", content);
  ASSERT_EQ(RunIngest(ctx_, options), kExitOk) << err_.str();
  const std::string err = err_.str();
  EXPECT_THAT(err, HasSubstr("\r100.0%  "));
  // Rows sent are the newlines minus the CSV header line.
  ProgressSample sample;
  sample.bytes_sent = sample.total_bytes = content.size();
  sample.rows_sent = std::count(content.begin(), content.end(), '\n') - 1;
  const std::string line = FormatProgressLine(sample);
  EXPECT_THAT(err, HasSubstr(line.substr(0, line.find(" rows") + 5)));
  EXPECT_THAT(err, HasSubstr("the server is validating"));
  // The line is ended once, before the summary goes to stdout.
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  EXPECT_EQ(err.back(), '\n');
}

TEST_F(IngestCommandTest, InvalidArgumentWithDetails) {
  FakeAdminService::IngestBehavior reject;
  reject.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                               "the file has 25 errors; nothing was written");
  hedui::v1::ErrorDetails details;
  auto* v = details.add_field_violations();
  v->set_field("person_id");
  v->set_description("check character does not match");
  v->set_line(3);
  v->set_column(1);
  auto* w = details.add_field_violations();
  w->set_field("header.as_of");
  w->set_description("is after today");
  details.set_total_violations(25);
  reject.details = details;
  server_.service().SetIngestBehavior(reject);

  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(5000));
  EXPECT_EQ(RunIngest(ctx_, options), kExitInvalidArgument);
  EXPECT_EQ(err_.str(),
            "hedui ingest: INVALID_ARGUMENT: the file has 25 errors; nothing "
            "was written\n"
            "  line 3, column 1 (person_id): check character does not match\n"
            "  header.as_of: is after today\n"
            "  ... and 23 more\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(IngestCommandTest, ServerRejectingTheHeaderEarlyStopsTheUpload) {
  FakeAdminService::IngestBehavior reject;
  reject.answer_after_header = true;
  reject.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                               "header.as_of: after today");
  hedui::v1::ErrorDetails details;
  details.add_field_violations()->set_field("header.as_of");
  details.mutable_field_violations(0)->set_description("after today");
  details.set_total_violations(1);
  reject.details = details;
  server_.service().SetIngestBehavior(reject);

  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(8 * kIngestChunkBytes));
  EXPECT_EQ(RunIngest(ctx_, options), kExitInvalidArgument);
  EXPECT_EQ(err_.str(),
            "hedui ingest: INVALID_ARGUMENT: header.as_of: after today\n"
            "  header.as_of: after today\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(IngestCommandTest, FailedPrecondition) {
  FakeAdminService::IngestBehavior refuse;
  refuse.status = grpc::Status(
      grpc::StatusCode::FAILED_PRECONDITION,
      "snapshot has 3 rows, under half of the current 1000; use --force");
  server_.service().SetIngestBehavior(refuse);
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(100));
  EXPECT_EQ(RunIngest(ctx_, options), kExitFailedPrecondition);
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION: snapshot has 3"));
}

TEST_F(IngestCommandTest, DeadlineExceeded) {
  FakeAdminService::IngestBehavior slow;
  slow.delay = absl::Seconds(2);
  server_.service().SetIngestBehavior(slow);
  ctx_.connection.timeout_seconds = 0.3;
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(100));
  EXPECT_EQ(RunIngest(ctx_, options), kExitUnavailable);
  EXPECT_THAT(err_.str(), HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_THAT(err_.str(), HasSubstr("raise --timeout"));
}

TEST_F(IngestCommandTest, ServerDown) {
  ctx_.connection.server = "127.0.0.1:1";  // nothing listens on port 1
  IngestOptions options = ValidOptions();
  options.file = WriteTempFile("tax.csv", CsvOfSize(100));
  EXPECT_EQ(RunIngest(ctx_, options), kExitUnavailable);
  EXPECT_THAT(err_.str(), HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(err_.str(), HasSubstr("127.0.0.1:1"));
}

TEST_F(IngestCommandTest, UsageErrorsSendNothing) {
  IngestOptions missing = ValidOptions();
  missing.file = ::testing::TempDir() + "hedui_cli_missing.csv";
  EXPECT_EQ(RunIngest(ctx_, missing), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("FILE: cannot open"));
  EXPECT_THAT(err_.str(), HasSubstr(missing.file));

  err_.str("");
  IngestOptions directory = ValidOptions();
  directory.file = ::testing::TempDir();
  EXPECT_EQ(RunIngest(ctx_, directory), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("FILE: "));

  err_.str("");
  IngestOptions bad_date = ValidOptions();
  bad_date.file = WriteTempFile("tax.csv", "x\n");
  bad_date.as_of = "2026-13-01";
  EXPECT_EQ(RunIngest(ctx_, bad_date), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("hedui ingest: --as-of \"2026-13-01\""));

  err_.str("");
  IngestOptions bad_department = bad_date;
  bad_department.as_of = "2026-10-31";
  bad_department.department = "POLICE";
  EXPECT_EQ(RunIngest(ctx_, bad_department), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("hedui ingest: --department"));

  EXPECT_EQ(server_.service().received().calls, 0);
  EXPECT_EQ(out_.str(), "");
}

}  // namespace
}  // namespace hedui::cli
