#include "server/ops/restore.h"

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "storage/backup.h"

namespace hedui::server {
namespace {

constexpr int kRestored = 0;
constexpr int kFailed = 1;
constexpr int kBadOptions = 2;
constexpr int kRefused = 4;

std::string Time(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::LocalTimeZone());
}

}  // namespace

int RunRestoreCommand(const RestoreOptions& options, std::ostream& out,
                      std::ostream& err) {
  storage::RestoreRequest request;
  request.backup_dir = options.backup_dir;
  request.backup_id = options.backup_id;
  request.data_dir = options.data_dir;
  request.head_file = options.audit_head_file;
  absl::StatusOr<storage::RestoreOutcome> restored =
      storage::RestoreBackup(request);
  if (!restored.ok()) {
    err << "heduid restore: " << restored.status().message() << "\n";
    switch (restored.status().code()) {
      case absl::StatusCode::kInvalidArgument:
        return kBadOptions;
      case absl::StatusCode::kFailedPrecondition:
      case absl::StatusCode::kNotFound:
        err << "heduid restore: nothing was changed\n";
        return kRefused;
      default:
        return kFailed;
    }
  }
  const storage::BackupSummary& backup = restored->backup;
  out << "restored backup " << backup.backup_id << " (made "
      << Time(backup.metadata.created_unix_seconds) << " for "
      << backup.metadata.requested_by << ", data format "
      << backup.metadata.format_version << ", " << backup.size_bytes
      << " bytes) into " << options.data_dir << "\n"
      << "audit chain: ends at entry " << restored->audit_sequence << " (mac "
      << absl::BytesToHexString(restored->audit_mac).substr(0, 16) << "...); "
      << restored->heads_checked << " head lines up to it match\n";
  if (restored->discarded_through > restored->audit_sequence) {
    out << "audit entries " << restored->audit_sequence + 1 << " to "
        << restored->discarded_through
        << " (and their reports) belonged to the history after the backup "
           "and are not in the restored store\n";
  }
  out << "head file " << options.audit_head_file
      << ": restore marker appended (storage/FORMAT.md)\n"
      << "next: start heduid with --data-dir " << options.data_dir
      << " and run `hedui audit verify`\n";
  return kRestored;
}

}  // namespace hedui::server
