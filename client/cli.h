#ifndef HEDUI_CLIENT_CLI_H_
#define HEDUI_CLIENT_CLI_H_

#include <ostream>

namespace hedui::cli {

// The whole `hedui` command line: parses global flags (--server or
// HEDUI_SERVER, --timeout, --output, TLS: --ca/--cert/--key or --insecure)
// and the subcommand, runs it, and
// returns the process's exit code (client/exit_codes.h). Results go to
// `out`, errors and progress to `err`; progress is drawn only when
// `err_is_terminal`, and makes way for results when `out_is_terminal`.
int RunCli(int argc, const char* const* argv, std::ostream& out,
           std::ostream& err, bool err_is_terminal,
           bool out_is_terminal = false);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_CLI_H_
