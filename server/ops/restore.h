#ifndef HEDUI_SERVER_OPS_RESTORE_H_
#define HEDUI_SERVER_OPS_RESTORE_H_

#include <cstdint>
#include <iostream>
#include <string>

namespace hedui::server {

// `heduid restore`: brings a backup made by AdminService.CreateBackup back,
// with the server stopped (storage/backup.h, RestoreBackup).
struct RestoreOptions {
  std::string backup_dir;
  uint32_t backup_id = 0;  // 0: the newest
  // Must be absent or empty: the old store is moved aside by hand, never
  // overwritten.
  std::string data_dir;
  // The server's --audit-head-file: the restore appends its marker there so
  // that the audit chain, now shorter, still verifies.
  std::string audit_head_file;
};

// Prints what it did (or why not) and what to do next; returns the process
// exit code: 0 restored, 1 failed, 2 bad options, 4 refused (the data
// directory is not empty, the backup's audit chain is not this head file's,
// or its format is newer than this build).
int RunRestoreCommand(const RestoreOptions& options,
                      std::ostream& out = std::cout,
                      std::ostream& err = std::cerr);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_OPS_RESTORE_H_
