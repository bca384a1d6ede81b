#ifndef HEDUI_CLIENT_JSON_PRINTER_H_
#define HEDUI_CLIENT_JSON_PRINTER_H_

#include "client/printer.h"

namespace hedui::cli {

// One JSON document per line, from protobuf's JSON printer (camelCase
// names, int64 as strings, enums by name, zero values included) so scripts
// see the same shape as any other proto3 JSON client.
class JsonPrinter : public Printer {
 public:
  absl::Status PrintIngestSummary(const IngestSummary& summary,
                                  std::ostream& out) const override;
  absl::Status PrintDepartments(
      const hedui::v1::ListDepartmentsResponse& response,
      std::ostream& out) const override;
};

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_JSON_PRINTER_H_
