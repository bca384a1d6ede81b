#include "client/json_printer.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

namespace hedui::cli {
namespace {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  // One convention for every command (README "JSON"): the .proto's names.
  options.preserve_proto_field_names = true;
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

absl::Status PrintLine(const google::protobuf::Message& message,
                       std::ostream& out) {
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) return json.status();
  out << *json << '\n' << std::flush;
  return absl::OkStatus();
}

// A JSON string literal (RFC 8259): quotes, backslashes and control
// characters escaped; UTF-8 passed through.
std::string Quote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      absl::StrAppend(&out, absl::StrFormat("\\u%04x", u));
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string CountsObject(const std::map<std::string, int64_t>& counts) {
  std::string out = "{";
  for (const auto& [name, count] : counts) {
    if (out.size() > 1) out += ',';
    absl::StrAppend(&out, Quote(name), ":", count);
  }
  out += '}';
  return out;
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
      &*json, absl::StrFormat(",\"client_seconds\":%.3f,"
                              "\"rows_per_second\":%.1f}",
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

absl::Status JsonPrinter::PrintReport(const hedui::v1::Report& report,
                                      std::ostream& out) const {
  return PrintLine(report, out);
}

absl::Status JsonPrinter::PrintBatchResult(
    const hedui::v1::VerifyBatchResult& result,
    const std::string& application_id, std::ostream& out) const {
  absl::StatusOr<std::string> json = ToJson(result);
  if (!json.ok()) return json.status();
  // An error result carries no report, so the request's application id is
  // added for scripts to match results to requests without counting lines.
  if (json->size() < 2 || json->front() != '{') {
    return absl::InternalError("unexpected JSON for VerifyBatchResult");
  }
  out << "{\"application_id\":" << Quote(application_id) << ','
      << json->substr(1) << '\n'
      << std::flush;
  return absl::OkStatus();
}

absl::Status JsonPrinter::PrintBatchSummary(const BatchSummary& summary,
                                            std::ostream& out) const {
  out << "{\"summary\":{\"sent\":" << summary.sent
      << ",\"results\":" << summary.results
      << ",\"verdicts\":" << CountsObject(summary.verdicts)
      << ",\"errors\":" << CountsObject(summary.errors) << "}}\n"
      << std::flush;
  return absl::OkStatus();
}

absl::Status JsonPrinter::PrintReportList(
    const hedui::v1::ListReportsResponse& response, std::ostream& out) const {
  return PrintLine(response, out);
}

absl::Status JsonPrinter::PrintStats(
    const hedui::v1::GetStatsResponse& response, std::ostream& out) const {
  return PrintLine(response, out);
}

absl::Status JsonPrinter::PrintAuditCheck(
    const hedui::v1::VerifyAuditResponse& response, std::ostream& out) const {
  return PrintLine(response, out);
}

absl::Status JsonPrinter::PrintAuditEntries(
    const hedui::v1::ListAuditResponse& response, std::ostream& out) const {
  return PrintLine(response, out);
}

absl::Status JsonPrinter::PrintHealth(const HealthSummary& health,
                                      std::ostream& out) const {
  out << "{\"server\":" << Quote(health.server)
      << ",\"service\":" << Quote(health.service)
      << ",\"status\":" << Quote(health.status) << "}\n"
      << std::flush;
  return absl::OkStatus();
}

}  // namespace hedui::cli
