#ifndef HEDUI_CLIENT_RETENTION_H_
#define HEDUI_CLIENT_RETENTION_H_

#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// `hedui admin purge [--dry-run]`: deletes the reports and retired
// snapshots past their retention period now, and prints the counts.
int RunPurge(const CommandContext& ctx, bool dry_run);

// Adds `purge` to the `admin` group (created here when no other command made
// it yet).
void AddRetentionCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_RETENTION_H_
