#ifndef HEDUI_CLIENT_JSON_PRINTER_H_
#define HEDUI_CLIENT_JSON_PRINTER_H_

#include "client/printer.h"

namespace hedui::cli {

// One JSON document per line, from protobuf's JSON printer (int64 as
// strings, enums by name, zero values included) so scripts see the same
// shape as any other proto3 JSON client. Names are the proto's own field
// names (report_id, verification_date) for every command, so what is printed
// reads like the .proto that documents it; members the client adds follow
// suit (client_seconds).
class JsonPrinter : public Printer {
 public:
  absl::Status PrintIngestSummary(const IngestSummary& summary,
                                  std::ostream& out) const override;
  absl::Status PrintDepartments(
      const hedui::v1::ListDepartmentsResponse& response,
      std::ostream& out) const override;
  absl::Status PrintReport(const hedui::v1::Report& report,
                           std::ostream& out) const override;
  absl::Status PrintBatchResult(const hedui::v1::VerifyBatchResult& result,
                                const std::string& application_id,
                                std::ostream& out) const override;
  absl::Status PrintBatchSummary(const BatchSummary& summary,
                                 std::ostream& out) const override;
  absl::Status PrintReportList(const hedui::v1::ListReportsResponse& response,
                               std::ostream& out) const override;
  absl::Status PrintStats(const hedui::v1::GetStatsResponse& response,
                          std::ostream& out) const override;
  absl::Status PrintAuditCheck(const hedui::v1::VerifyAuditResponse& response,
                               std::ostream& out) const override;
  absl::Status PrintAuditEntries(const hedui::v1::ListAuditResponse& response,
                                 std::ostream& out) const override;
  absl::Status PrintHealth(const HealthSummary& health,
                           std::ostream& out) const override;
};

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_JSON_PRINTER_H_
