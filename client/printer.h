#ifndef HEDUI_CLIENT_PRINTER_H_
#define HEDUI_CLIENT_PRINTER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/admin.pb.h"
#include "hedui/v1/audit.pb.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification_service.pb.h"

namespace hedui::cli {

// kYaml never reaches a command: cli.cc runs the command with kJson and
// renders its JSON lines as YAML (yaml_output.h).
enum class OutputFormat { kTable, kJson, kYaml };

// "table", "json" or "yaml", in any case (--output).
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

// What `hedui ingest` reports: the server's answer and the client's view of
// the time it took.
struct IngestSummary {
  hedui::v1::IngestResponse response;
  double client_seconds = 0;  // wall time from opening the stream to the answer
};

// Data rows per second of wall time seen by the client (0 when no time
// passed).
double RowsPerSecond(const IngestSummary& summary);

// The end of `hedui verify --batch`: what came back, counted.
struct BatchSummary {
  int64_t sent = 0;                         // requests sent
  int64_t results = 0;                      // results received
  std::map<std::string, int64_t> verdicts;  // verdict name -> OK items
  std::map<std::string, int64_t> errors;    // status code name -> items
};

// `hedui health`: the serving status of one service name ("" = the server).
struct HealthSummary {
  std::string server;
  std::string service;
  std::string status;  // SERVING, NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN
};

// One implementation per --output format, so every command prints through
// the same code for a given format. Results go to stdout; errors and
// progress never do, so `hedui ... --output json | jq` always gets JSON.
class Printer {
 public:
  virtual ~Printer() = default;
  virtual absl::Status PrintIngestSummary(const IngestSummary& summary,
                                          std::ostream& out) const = 0;
  virtual absl::Status PrintDepartments(
      const hedui::v1::ListDepartmentsResponse& response,
      std::ostream& out) const = 0;

  // A verification report, as a caseworker reads it (table) or whole.
  virtual absl::Status PrintReport(const hedui::v1::Report& report,
                                   std::ostream& out) const = 0;
  // One result of a batch, as it arrives. `application_id` is the one of
  // the request sent at result.index() (an error result has no report).
  virtual absl::Status PrintBatchResult(
      const hedui::v1::VerifyBatchResult& result,
      const std::string& application_id, std::ostream& out) const = 0;
  virtual absl::Status PrintBatchSummary(const BatchSummary& summary,
                                         std::ostream& out) const = 0;
  virtual absl::Status PrintReportList(
      const hedui::v1::ListReportsResponse& response,
      std::ostream& out) const = 0;
  virtual absl::Status PrintStats(const hedui::v1::GetStatsResponse& response,
                                  std::ostream& out) const = 0;
  virtual absl::Status PrintAuditCheck(
      const hedui::v1::VerifyAuditResponse& response,
      std::ostream& out) const = 0;
  virtual absl::Status PrintAuditEntries(
      const hedui::v1::ListAuditResponse& response,
      std::ostream& out) const = 0;
  virtual absl::Status PrintHealth(const HealthSummary& health,
                                   std::ostream& out) const = 0;
};

std::unique_ptr<Printer> MakePrinter(OutputFormat format);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_PRINTER_H_
