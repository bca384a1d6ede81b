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
// hedui.v1.ErrorDetails (google.rpc's protos are not packaged on Debian).
inline constexpr char kErrorDetailsTrailer[] = "hedui-error-bin";

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
// one) and "... and N more" when the server found more than it listed.
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
