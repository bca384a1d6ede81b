#ifndef HEDUI_CLIENT_TABLE_PRINTER_H_
#define HEDUI_CLIENT_TABLE_PRINTER_H_

#include "client/printer.h"

namespace hedui::cli {

// Aligned plain-text tables for people at a terminal. Numbers are printed
// without separators so columns can still be cut or awk'ed; times are
// Asia/Shanghai, whatever the host's zone.
class TablePrinter : public Printer {
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

#endif  // HEDUI_CLIENT_TABLE_PRINTER_H_
