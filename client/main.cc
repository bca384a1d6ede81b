#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "client/cli.h"
#include "grpc/support/log.h"
#include "storage/types/resident_id.h"

namespace {

// gRPC core's own lines (a failed TLS handshake, GRPC_VERBOSITY output) in
// the CLI's form on stderr, resident IDs masked, instead of gRPC's raw
// "E1207 10:00:00.000 ... file:line]" lines between the CLI's own.
void GrpcCoreLine(gpr_log_func_args* args) {
  const char* level = args->severity == GPR_LOG_SEVERITY_ERROR  ? "error"
                      : args->severity == GPR_LOG_SEVERITY_INFO ? "info"
                                                                : "debug";
  const std::string line = std::string("hedui: grpc ") + level + ": " +
                           hedui::MaskResidentIdsInText(
                               args->message == nullptr ? "" : args->message) +
                           "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace

int main(int argc, char** argv) {
  gpr_set_log_function(GrpcCoreLine);
  return hedui::cli::RunCli(argc, argv, std::cout, std::cerr,
                            isatty(STDERR_FILENO) == 1,
                            isatty(STDOUT_FILENO) == 1);
}
