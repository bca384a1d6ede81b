#ifndef HEDUI_CLIENT_PRINTER_H_
#define HEDUI_CLIENT_PRINTER_H_

#include <memory>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/admin.pb.h"

namespace hedui::cli {

enum class OutputFormat { kTable, kJson };

// "table" or "json" (--output).
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
};

std::unique_ptr<Printer> MakePrinter(OutputFormat format);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_PRINTER_H_
