#ifndef HEDUI_CLIENT_RPC_ERROR_H_
#define HEDUI_CLIENT_RPC_ERROR_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace hedui::cli {

// Binary trailing metadata in which heduid sends a serialized
// hedui.v1.ErrorDetails: field violations with a feed's line and column,
// which google.rpc.BadRequest has no place for.
inline constexpr char kErrorDetailsTrailer[] = "hedui-error-bin";
// Where every refusal's standard google.rpc.Status travels; gRPC hands it
// to the client as grpc::Status::error_details().
inline constexpr char kStatusDetailsTrailer[] = "grpc-status-details-bin";

// What was being done when a call failed, for the message's prefix and
// hints.
struct CallInfo {
  std::string command;  // "ingest", "departments"
  std::string server;   // HOST:PORT, named when the server is unreachable
  double timeout_seconds = 0;  // the deadline used, named when it expired
};

struct RpcErrorReport {
  int exit_code = 0;    // an ExitCode
  std::string message;  // for stderr; one or more lines, each ending in '\n'
};

// "NOT_FOUND" etc.; "UNKNOWN" for a number gRPC does not define.
const char* StatusCodeName(grpc::StatusCode code);

// The exit code for a gRPC status code (the table is in exit_codes.h).
int ExitCodeForStatus(grpc::StatusCode code);

// The one mapping from a non-OK status to what the user sees: a first line
// "hedui <command>: <CODE>: <message>", then one line per field violation of
// `error_details` (a serialized hedui.v1.ErrorDetails, when the server sent
// one) or else of the standard google.rpc.Status in
// `status.error_details()` (BadRequest: "  field: problem"), and
// "... and N more" when the server found more than it listed; then the
// standard status's PreconditionFailure ("  precondition CONSENT not met
// (request.consent)") and QuotaFailure ("  quota reached (server)") lines,
// and its ErrorInfo reason ("  reason: CONSENT_NOT_COVERING").
// Server text is printed with control characters replaced, so a message
// cannot drive the terminal.
RpcErrorReport DescribeRpcError(
    const CallInfo& call, const grpc::Status& status,
    const absl::optional<std::string>& error_details);

// The `hedui-error-bin` trailer of a finished call, if the server sent one.
absl::optional<std::string> ErrorDetailsTrailer(
    const grpc::ClientContext& context);

// DescribeRpcError() with the call's trailer, written to `err`; returns the
// exit code.
int ReportRpcError(const CallInfo& call, const grpc::Status& status,
                   const grpc::ClientContext& context, std::ostream& err);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_RPC_ERROR_H_
