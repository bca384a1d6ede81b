#include "client/printer.h"

#include <sstream>
#include <string>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

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
  EXPECT_NE(json.find("\"retainedGenerations\":[\"11\",\"12\"]"),
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
  EXPECT_EQ(f.at("batchId").string_value(), "batch-2026-10");
  EXPECT_EQ(f.at("rows").string_value(), "1000");  // int64 as a string
  EXPECT_EQ(f.at("deletions").string_value(), "0");
  EXPECT_FALSE(f.at("alreadyApplied").bool_value());
  EXPECT_EQ(f.at("asOf").struct_value().fields().at("day").number_value(), 31);
  EXPECT_DOUBLE_EQ(f.at("serverSeconds").number_value(), 1.5);
  EXPECT_DOUBLE_EQ(f.at("clientSeconds").number_value(), 2.0);
  EXPECT_DOUBLE_EQ(f.at("rowsPerSecond").number_value(), 500.0);
}

}  // namespace
}  // namespace hedui::cli
