#ifndef HEDUI_CLIENT_BACKUP_H_
#define HEDUI_CLIENT_BACKUP_H_

#include <cstdint>

#include "client/command_context.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hedui::cli {

// `hedui admin backup`: an online backup of the whole store, made by the
// server into its backup_dir.
int RunCreateBackup(const CommandContext& ctx);
// `hedui admin backups`: the backups, oldest first.
int RunListBackups(const CommandContext& ctx);
// `hedui admin verify-backup ID`: kExitOk when every file matches its
// checksum, kExitError when the backup is damaged.
int RunVerifyBackup(const CommandContext& ctx, uint32_t backup_id);
// `hedui admin prune-backups --keep N`.
int RunPruneBackups(const CommandContext& ctx, uint32_t keep_last);

// Adds the `admin` group and its backup commands to `app`.
void AddAdminCommands(CLI::App& app, CommandAction* selected);

}  // namespace hedui::cli

#endif  // HEDUI_CLIENT_BACKUP_H_
