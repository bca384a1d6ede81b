#ifndef HEDUI_STORAGE_BACKUP_H_
#define HEDUI_STORAGE_BACKUP_H_

// Online backups of the whole store (department records, reports, the audit
// chain: one RocksDB instance, so one consistent backup) with RocksDB's
// BackupEngine, and the offline restore that brings one back and reconciles
// the audit head file (storage/FORMAT.md, "audit").

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/store.h"

namespace hedui::storage {

// Stored with each backup (BackupEngine's application metadata), as
// "key=value" lines under a "hedui-backup 1" line.
struct BackupMetadata {
  uint32_t format_version = 0;  // kFormatVersion of the server that made it
  // The audit chain when the backup started: every entry up to this one is
  // in the backup. Entries committed while it ran may be too; a restore
  // reads the exact end from the restored store.
  uint64_t audit_sequence = 0;
  std::string audit_mac;  // raw 32 bytes; zeros for an empty chain
  int64_t created_unix_seconds = 0;
  std::string requested_by;  // the caller's identity
};
std::string EncodeBackupMetadata(const BackupMetadata& metadata);
// INVALID_ARGUMENT: not written by EncodeBackupMetadata (another tool's
// backup, or a damaged one).
absl::StatusOr<BackupMetadata> DecodeBackupMetadata(absl::string_view text);

struct BackupSummary {
  uint32_t backup_id = 0;
  uint64_t size_bytes = 0;
  uint32_t files = 0;
  BackupMetadata metadata;
  // Empty when the metadata is Hedui's; else why it cannot be read.
  std::string metadata_problem;
};

struct BackupListing {
  std::vector<BackupSummary> backups;  // oldest first
  std::vector<uint32_t> corrupt_ids;   // whose description cannot be read
};

struct BackupCheck {
  BackupSummary backup;
  bool intact = false;
  std::string problem;  // empty when intact
};

struct PruneOutcome {
  std::vector<uint32_t> deleted_ids;
  std::vector<BackupSummary> kept;
};

// The backups of one store in one directory. Thread-safe: creating or
// pruning while another create or prune runs is refused
// (FAILED_PRECONDITION) rather than queued behind a copy of the whole store;
// listing and verifying run beside a create, and wait for a prune.
class BackupManager {
 public:
  // `tables.db` is the store's database (Store::service_tables); the store
  // must outlive the manager. `backup_dir` is created on the first backup.
  BackupManager(Store::ServiceTables tables, std::string backup_dir);

  // A new backup while reads and writes go on: memtables are flushed, the
  // live files copied (SST files shared with earlier backups are not copied
  // again) together with the WAL written meanwhile.
  absl::StatusOr<BackupSummary> Create(absl::string_view requested_by);
  absl::StatusOr<BackupListing> List();
  // Every file's size and CRC32C against what the backup recorded.
  // NOT_FOUND for an unknown id; a damaged backup is not an error: intact
  // is false and problem says what.
  absl::StatusOr<BackupCheck> Verify(uint32_t backup_id);
  // Deletes all but the newest `keep_last` (at least 1) backups.
  absl::StatusOr<PruneOutcome> Prune(uint32_t keep_last);

  const std::string& backup_dir() const { return backup_dir_; }

 private:
  // Takes the one slot for a create or a prune, naming `what` runs;
  // FAILED_PRECONDITION naming the one already running, then `when_busy`.
  // EndChange frees it.
  absl::Status BeginChange(std::string what, absl::string_view when_busy);
  void EndChange();

  const Store::ServiceTables tables_;
  const std::string backup_dir_;
  // The create or prune running (empty: none), for the refusal.
  absl::Mutex change_mu_;
  std::string running_ ABSL_GUARDED_BY(change_mu_);
  // Shared by create, list and verify; exclusive for a prune, which deletes
  // files the others read (RocksDB: a Write beside any other operation on
  // the same directory is unspecified).
  absl::Mutex files_mu_;
};

struct RestoreRequest {
  std::string backup_dir;
  uint32_t backup_id = 0;  // 0: the newest
  std::string data_dir;    // must be absent or empty
  std::string head_file;   // the server's --audit-head-file
};

struct RestoreOutcome {
  BackupSummary backup;
  // The restored chain's end, as written in the restore marker.
  uint64_t audit_sequence = 0;
  std::string audit_mac;
  // Head lines of the current history checked against the restored chain.
  int heads_checked = 0;
  // The highest entry the head file named beyond the restored end (0: none):
  // entries audit_sequence+1 .. this were discarded with the later history.
  uint64_t discarded_through = 0;
};

// Offline (the server stopped): restores the backup into a staging
// directory next to `data_dir`, opens it as a store, checks its audit chain
// against the backup's metadata and against the head file's current
// history up to its end, appends the restore marker to the head file, and
// only then moves the store into place. FAILED_PRECONDITION, with nothing
// changed: `data_dir` not empty, a backup of a newer format, or a chain that
// disagrees with the head file.
absl::StatusOr<RestoreOutcome> RestoreBackup(const RestoreRequest& request);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_BACKUP_H_
