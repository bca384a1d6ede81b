#include "client/json_printer.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

namespace hedui::cli {
namespace {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  // A department with no data must still show "rows": "0", not omit it.
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ",
                                            message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  return json;
}

}  // namespace

absl::Status JsonPrinter::PrintIngestSummary(const IngestSummary& summary,
                                             std::ostream& out) const {
  absl::StatusOr<std::string> json = ToJson(summary.response);
  if (!json.ok()) return json.status();
  // The client's timings are not part of IngestResponse: add them as two
  // more members of the same object rather than defining a message for them.
  // The printer always emits an object ("{...}", never empty since zero
  // values are printed).
  if (json->empty() || json->back() != '}') {
    return absl::InternalError("unexpected JSON for IngestResponse");
  }
  json->pop_back();
  absl::StrAppend(
      &*json, absl::StrFormat(",\"clientSeconds\":%.3f,"
                              "\"rowsPerSecond\":%.1f}",
                              summary.client_seconds, RowsPerSecond(summary)));
  out << *json << '\n' << std::flush;
  return absl::OkStatus();
}

absl::Status JsonPrinter::PrintDepartments(
    const hedui::v1::ListDepartmentsResponse& response,
    std::ostream& out) const {
  absl::StatusOr<std::string> json = ToJson(response);
  if (!json.ok()) return json.status();
  out << *json << '\n' << std::flush;
  return absl::OkStatus();
}

}  // namespace hedui::cli
