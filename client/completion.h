#ifndef HEDUI_CLIENT_COMPLETION_H_
#define HEDUI_CLIENT_COMPLETION_H_

#include <string>

#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// A bash completion script for `root`'s whole command tree: commands, each
// command's flags (the global ones included, as they are accepted after any
// command), and the values of --output, --program, --verdict, --department,
// --encoding, --state, --outcome and `roll withdraw --reason` (a command's
// own values first: `roll list --program` offers only programs with a roll);
// other flag values and positionals complete as file names.
// Generated from the same CLI11 tree that parses the command line, so a new
// command or flag is completed without editing the script.
std::string BashCompletionScript(const CLI::App& root);

// `hedui completion bash`: prints the script (the package installs it as
// /usr/share/bash-completion/completions/hedui).
void AddCompletionCommand(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_COMPLETION_H_
