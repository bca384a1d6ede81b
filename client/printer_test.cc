#include "client/printer.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "client/cli_test_util.h"
#include "client/command_util.h"
#include "client/exit_codes.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hedui/v1/retention.pb.h"
#include "nlohmann/json.hpp"

namespace hedui::cli {
namespace {

hedui::v1::ListDepartmentsResponse TwoDepartments() {
  hedui::v1::ListDepartmentsResponse response;
  auto* tax = response.add_departments();
  tax->set_department(hedui::v1::TAX);
  tax->set_present(true);
  tax->set_rows(1234567);
  tax->mutable_as_of()->set_year(2026);
  tax->mutable_as_of()->set_month(10);
  tax->mutable_as_of()->set_day(31);
  tax->set_batch_id(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  tax->set_generation(12);
  tax->add_retained_generations(11);
  tax->add_retained_generations(12);
  // 2026-01-01T00:00:00Z is 08:00 in Shanghai.
  tax->set_ingested_unix_seconds(1767225600);
  auto* death = response.add_departments();
  death->set_department(hedui::v1::DEATH);
  death->set_present(false);
  return response;
}

IngestSummary Summary() {
  IngestSummary summary;
  hedui::v1::IngestResponse& r = summary.response;
  r.set_batch_id("batch-2026-10");
  r.set_department(hedui::v1::TAX);
  r.set_rows(1000);
  r.set_upserts(1000);
  r.set_generation(3);
  r.set_rows_now_current(1000);
  r.mutable_as_of()->set_year(2026);
  r.mutable_as_of()->set_month(10);
  r.mutable_as_of()->set_day(31);
  r.set_server_seconds(1.5);
  summary.client_seconds = 2.0;
  return summary;
}

TEST(ParseOutputFormatTest, TableJsonAndYamlOnly) {
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("JSON"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("yaml"), OutputFormat::kYaml);
  absl::StatusOr<OutputFormat> bad = ParseOutputFormat("yml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--output"), std::string::npos);
}

TEST(TablePrinterTest, Departments) {
  std::ostringstream out;
  ASSERT_TRUE(MakePrinter(OutputFormat::kTable)
                  ->PrintDepartments(TwoDepartments(), out)
                  .ok());
  EXPECT_EQ(out.str(),
            "DEPARTMENT  PRESENT     ROWS  AS-OF       BATCH ID      "
            "GENERATION  RETAINED  INGESTED AT (Asia/Shanghai)\n"
            "TAX         yes      1234567  2026-10-31  ba7816bf8f01          "
            "12  11,12     2026-01-01 08:00:00\n"
            "DEATH       no             -  -           -                      "
            "-  -         -\n");
}

TEST(TablePrinterTest, IngestSummary) {
  std::ostringstream out;
  ASSERT_TRUE(MakePrinter(OutputFormat::kTable)
                  ->PrintIngestSummary(Summary(), out)
                  .ok());
  EXPECT_EQ(out.str(),
            "department        TAX\n"
            "batch id          batch-2026-10\n"
            "as-of             2026-10-31\n"
            "already applied   no\n"
            "rows              1000\n"
            "upserts           1000\n"
            "deletions         0\n"
            "generation        3\n"
            "rows now current  1000\n"
            "client seconds    2.000\n"
            "server seconds    1.500\n"
            "rows/s            500\n");
}

TEST(JsonPrinterTest, DepartmentsPrintZeroValues) {
  std::ostringstream out;
  ASSERT_TRUE(MakePrinter(OutputFormat::kJson)
                  ->PrintDepartments(TwoDepartments(), out)
                  .ok());
  const std::string json = out.str();
  EXPECT_EQ(json.back(), '\n');
  EXPECT_NE(json.find("\"department\":\"TAX\""), std::string::npos);
  EXPECT_NE(json.find("\"rows\":\"1234567\""), std::string::npos);
  EXPECT_NE(json.find("\"retained_generations\":[\"11\",\"12\"]"),
            std::string::npos);
  // The absent department still shows its zero values.
  EXPECT_NE(json.find("\"department\":\"DEATH\",\"present\":false"),
            std::string::npos);
  EXPECT_NE(json.find("\"rows\":\"0\""), std::string::npos);
}

TEST(JsonPrinterTest, IngestSummaryIsOneValidObject) {
  std::ostringstream out;
  ASSERT_TRUE(MakePrinter(OutputFormat::kJson)
                  ->PrintIngestSummary(Summary(), out)
                  .ok());
  const std::string json = out.str();
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok())
      << json;
  const auto& f = parsed.fields();
  EXPECT_EQ(f.at("department").string_value(), "TAX");
  EXPECT_EQ(f.at("batch_id").string_value(), "batch-2026-10");
  EXPECT_EQ(f.at("rows").string_value(), "1000");  // int64 as a string
  EXPECT_EQ(f.at("deletions").string_value(), "0");
  EXPECT_FALSE(f.at("already_applied").bool_value());
  EXPECT_EQ(f.at("as_of").struct_value().fields().at("day").number_value(), 31);
  EXPECT_DOUBLE_EQ(f.at("server_seconds").number_value(), 1.5);
  EXPECT_DOUBLE_EQ(f.at("client_seconds").number_value(), 2.0);
  EXPECT_DOUBLE_EQ(f.at("rows_per_second").number_value(), 500.0);
}

}  // namespace
}  // namespace hedui::cli

namespace hedui::cli {
namespace {

// Keys that start lowercase and have an uppercase letter: camelCase field
// names. Enum names used as keys (MEETS_CRITERIA) start uppercase.
void CollectCamelCaseKeys(const nlohmann::json& value,
                          std::vector<std::string>* found) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (!key.empty() && absl::ascii_islower(key[0]) &&
          std::any_of(key.begin(), key.end(), absl::ascii_isupper)) {
        found->push_back(key);
      }
      CollectCamelCaseKeys(child, found);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) CollectCamelCaseKeys(child, found);
  }
}

std::vector<std::string> CamelCaseKeys(const std::string& lines) {
  std::vector<std::string> found;
  for (absl::string_view line :
       absl::StrSplit(lines, '\n', absl::SkipEmpty())) {
    CollectCamelCaseKeys(nlohmann::json::parse(line), &found);
  }
  return found;
}

// README "JSON": every command prints the .proto's field names, so a script
// reads `batch_id` from ingest as it reads `report_id` from verify.
TEST(JsonNamesTest, EveryCommandPrintsTheProtosFieldNames) {
  const auto printer = MakePrinter(OutputFormat::kJson);
  std::ostringstream out;
  ASSERT_TRUE(printer->PrintIngestSummary(Summary(), out).ok());
  ASSERT_TRUE(printer->PrintDepartments(TwoDepartments(), out).ok());
  ASSERT_TRUE(printer->PrintReport(testing::SampleReport(), out).ok());
  hedui::v1::VerifyBatchResult result;
  *result.mutable_report() = testing::SampleReport();
  ASSERT_TRUE(printer->PrintBatchResult(result, "APP-1", out).ok());
  BatchSummary batch;
  batch.verdicts["MEETS_CRITERIA"] = 1;
  ASSERT_TRUE(printer->PrintBatchSummary(batch, out).ok());
  hedui::v1::ListReportsResponse reports;
  reports.add_reports()->set_report_id("R000000000042");
  ASSERT_TRUE(printer->PrintReportList(reports, out).ok());
  ASSERT_TRUE(printer->PrintStats(hedui::v1::GetStatsResponse(), out).ok());
  ASSERT_TRUE(
      printer->PrintAuditCheck(hedui::v1::VerifyAuditResponse(), out).ok());
  hedui::v1::ListAuditResponse audit;
  audit.add_entries()->set_sequence(1);
  ASSERT_TRUE(printer->PrintAuditEntries(audit, out).ok());
  ASSERT_TRUE(printer->PrintHealth(HealthSummary(), out).ok());

  // The admin commands print their answers whole.
  CommandContext ctx;
  ctx.out = &out;
  hedui::v1::ListBackupsResponse backups;
  backups.add_backups()->set_backup_id(1);
  EXPECT_EQ(PrintMessageJson(ctx, "admin backups", backups), kExitOk);
  EXPECT_EQ(PrintMessageJson(ctx, "admin purge", hedui::v1::PurgeResponse()),
            kExitOk);
  EXPECT_EQ(
      PrintMessageJson(ctx, "health --details", hedui::v1::ServerStatus()),
      kExitOk);

  const std::string printed = out.str();
  EXPECT_EQ(CamelCaseKeys(printed), std::vector<std::string>()) << printed;
  for (const char* key :
       {"\"batch_id\"", "\"client_seconds\"", "\"rows_per_second\"",
        "\"retained_generations\"", "\"report_id\"", "\"application_id\"",
        "\"backup_id\"", "\"size_bytes\"", "\"reports_purged\"",
        "\"uptime_seconds\""}) {
    EXPECT_NE(printed.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace hedui::cli
