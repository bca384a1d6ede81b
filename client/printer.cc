#include "client/printer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/json_printer.h"
#include "client/table_printer.h"

namespace hedui::cli {

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "table") return OutputFormat::kTable;
  if (lower == "json") return OutputFormat::kJson;
  if (lower == "yaml") return OutputFormat::kYaml;
  return absl::InvalidArgumentError(
      absl::StrCat("--output: unknown format \"", text,
                   "\" (expected table, json or yaml)"));
}

double RowsPerSecond(const IngestSummary& summary) {
  if (summary.client_seconds <= 0) return 0;
  return static_cast<double>(summary.response.rows()) / summary.client_seconds;
}

std::unique_ptr<Printer> MakePrinter(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
    case OutputFormat::kYaml:
      return std::make_unique<JsonPrinter>();
    case OutputFormat::kTable:
      break;
  }
  return std::make_unique<TablePrinter>();
}

}  // namespace hedui::cli
