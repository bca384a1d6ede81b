#include "client/rpc_error.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/exit_codes.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "hedui/v1/codes.pb.h"

namespace hedui::cli {
const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

namespace {

// Server text goes to a terminal: an escape sequence in it must not be able
// to rewrite the screen. Bytes >= 0x80 (UTF-8) are kept.
std::string Printable(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

std::string ViolationLine(const hedui::v1::ErrorDetails::FieldViolation& v) {
  std::string where;
  if (v.line() > 0) {
    where = absl::StrCat("line ", v.line());
    if (v.column() > 0) absl::StrAppend(&where, ", column ", v.column());
  }
  const std::string field = Printable(v.field());
  if (!field.empty()) {
    where = where.empty() ? field : absl::StrCat(where, " (", field, ")");
  }
  const std::string description = Printable(v.description());
  if (where.empty()) return absl::StrCat("  ", description, "\n");
  return absl::StrCat("  ", where, ": ", description, "\n");
}

std::string FieldLine(absl::string_view field, absl::string_view description) {
  if (field.empty()) return absl::StrCat("  ", Printable(description), "\n");
  return absl::StrCat("  ", Printable(field), ": ", Printable(description),
                      "\n");
}

// The standard details, unpacked; absent ones stay empty.
struct StandardDetails {
  bool decoded = false;
  google::rpc::BadRequest bad_request;
  google::rpc::PreconditionFailure precondition;
  google::rpc::QuotaFailure quota;
  google::rpc::RetryInfo retry;
  google::rpc::ErrorInfo info;
};

StandardDetails Unpack(const std::string& bytes) {
  StandardDetails out;
  google::rpc::Status status;
  if (!status.ParseFromString(bytes)) return out;
  out.decoded = true;
  for (const auto& any : status.details()) {
    // A detail of a type not known here is skipped, as the AIP asks.
    if (any.Is<google::rpc::BadRequest>()) {
      any.UnpackTo(&out.bad_request);
    } else if (any.Is<google::rpc::PreconditionFailure>()) {
      any.UnpackTo(&out.precondition);
    } else if (any.Is<google::rpc::QuotaFailure>()) {
      any.UnpackTo(&out.quota);
    } else if (any.Is<google::rpc::RetryInfo>()) {
      any.UnpackTo(&out.retry);
    } else if (any.Is<google::rpc::ErrorInfo>()) {
      any.UnpackTo(&out.info);
    }
  }
  return out;
}

}  // namespace

int ExitCodeForStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitInvalidArgument;
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
      return kExitFailedPrecondition;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return kExitUnavailable;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return kExitPermission;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    default:
      return kExitError;
  }
}

RpcErrorReport DescribeRpcError(
    const CallInfo& call, const grpc::Status& status,
    const absl::optional<std::string>& error_details) {
  RpcErrorReport report;
  report.exit_code = ExitCodeForStatus(status.error_code());
  std::string& m = report.message;
  absl::StrAppend(&m, "hedui ", call.command, ": ",
                  StatusCodeName(status.error_code()));
  if (!status.error_message().empty()) {
    absl::StrAppend(&m, ": ", Printable(status.error_message()));
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      absl::StrAppend(&m, " (is heduid running at ", call.server,
                      "? see --server / HEDUI_SERVER)");
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      absl::StrAppend(&m, absl::StrFormat(" (no answer within %g s; raise "
                                          "--timeout)",
                                          call.timeout_seconds));
      break;
    default:
      break;
  }
  m += '\n';

  StandardDetails standard;
  if (!status.error_details().empty()) {
    standard = Unpack(status.error_details());
    if (!standard.decoded) {
      absl::StrAppend(&m,
                      "  (the server's standard error details could not be "
                      "decoded: ",
                      status.error_details().size(), " bytes in ",
                      kStatusDetailsTrailer, ")\n");
    }
  }

  // The field lines: hedui's own details carry a feed's lines and columns,
  // so they are preferred when the server sent both.
  bool fields_done = false;
  if (error_details.has_value()) {
    hedui::v1::ErrorDetails details;
    if (!details.ParseFromString(*error_details)) {
      absl::StrAppend(
          &m, "  (the server's error details could not be decoded: ",
          error_details->size(), " bytes in ", kErrorDetailsTrailer, ")\n");
    } else {
      for (const auto& violation : details.field_violations()) {
        m += ViolationLine(violation);
      }
      const int64_t listed = details.field_violations_size();
      if (details.total_violations() > listed) {
        absl::StrAppend(&m, "  ... and ", details.total_violations() - listed,
                        " more\n");
      }
      fields_done = true;
    }
  }
  if (!fields_done) {
    for (const auto& v : standard.bad_request.field_violations()) {
      m += FieldLine(v.field(), v.description());
    }
    const auto total = standard.info.metadata().find("violations");
    int64_t all = 0;
    const int64_t listed = standard.bad_request.field_violations_size();
    if (total != standard.info.metadata().end() &&
        absl::SimpleAtoi(total->second, &all) && all > listed) {
      absl::StrAppend(&m, "  ... and ", all - listed, " more\n");
    }
  }
  for (const auto& v : standard.precondition.violations()) {
    absl::StrAppend(&m, "  precondition ", Printable(v.type()), " not met");
    if (!v.subject().empty()) {
      absl::StrAppend(&m, " (", Printable(v.subject()), ")");
    }
    m += '\n';
  }
  for (const auto& v : standard.quota.violations()) {
    absl::StrAppend(&m, "  quota reached");
    if (!v.subject().empty()) {
      absl::StrAppend(&m, " (", Printable(v.subject()), ")");
    }
    m += '\n';
  }
  if (standard.retry.has_retry_delay()) {
    const int64_t millis = standard.retry.retry_delay().seconds() * 1000 +
                           standard.retry.retry_delay().nanos() / 1'000'000;
    absl::StrAppend(&m, "  retry after ", millis, " ms\n");
  }
  if (!standard.info.reason().empty()) {
    absl::StrAppend(&m, "  reason: ", Printable(standard.info.reason()));
    if (standard.info.domain() != "hedui") {
      absl::StrAppend(&m, " (", Printable(standard.info.domain()), ")");
    }
    m += '\n';
  }
  return report;
}

absl::optional<std::string> ErrorDetailsTrailer(
    const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto it = trailers.find(kErrorDetailsTrailer);
  if (it == trailers.end()) return absl::nullopt;
  // gRPC has already base64-decoded the "-bin" value.
  return std::string(it->second.data(), it->second.size());
}

int ReportRpcError(const CallInfo& call, const grpc::Status& status,
                   const grpc::ClientContext& context, std::ostream& err) {
  const RpcErrorReport report =
      DescribeRpcError(call, status, ErrorDetailsTrailer(context));
  err << report.message << std::flush;
  return report.exit_code;
}

}  // namespace hedui::cli
