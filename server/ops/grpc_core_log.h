#ifndef HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_
#define HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_

#include <string>

namespace hedui::server {

// gRPC core's own lines (gpr_log: a failed TLS handshake, GRPC_VERBOSITY and
// GRPC_TRACE output) go to the sinks of spdlog's default logger as logger
// "grpc", so they come out formatted like every other line (text or JSON,
// log_format.h), with resident IDs masked; without this gRPC writes its own
// plain "E1207 10:00:00.000 ... file:line] ..." lines to stderr. Severities
// map to spdlog's (ERROR error, INFO info, DEBUG debug); which are written
// is still GRPC_VERBOSITY's choice (errors only unless set). Call again
// after replacing the default logger.
void RouteGrpcCoreLogs();

// One gRPC core line as heduid writes it: "file:line message", the file
// without its directories, resident IDs masked.
std::string GrpcCoreLogText(const char* file, int line, const char* message);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_GRPC_CORE_LOG_H_
