#include "storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/audit_chain.h"
#include "storage/audit_range.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kMetadataHeader[] = "hedui-backup 1";

// The same options for every engine on a directory (RocksDB requires it).
rocksdb::BackupEngineOptions EngineOptions(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  // One copying thread: the backup shares two cores with verification.
  options.max_background_operations = 1;
  return options;
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(
    const std::string& dir) {
  rocksdb::BackupEngine* engine = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
      EngineOptions(dir), rocksdb::Env::Default(), &engine);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening the backup directory ", dir));
  }
  return std::unique_ptr<rocksdb::BackupEngine>(engine);
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>>
OpenEngineReadOnly(const std::string& dir) {
  if (!fs::is_directory(dir)) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", dir, " does not exist"));
  }
  rocksdb::BackupEngineReadOnly* engine = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      EngineOptions(dir), rocksdb::Env::Default(), &engine);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening the backup directory ", dir));
  }
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(engine);
}

BackupSummary Summarize(const rocksdb::BackupInfo& info) {
  BackupSummary summary;
  summary.backup_id = info.backup_id;
  summary.size_bytes = info.size;
  summary.files = info.number_files;
  absl::StatusOr<BackupMetadata> metadata =
      DecodeBackupMetadata(info.app_metadata);
  if (metadata.ok()) {
    summary.metadata = *std::move(metadata);
  } else {
    summary.metadata.created_unix_seconds = info.timestamp;
    summary.metadata_problem = std::string(metadata.status().message());
  }
  return summary;
}

absl::Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot open ", dir.string()));
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot sync ", dir.string()));
  }
  return absl::OkStatus();
}

absl::Status CheckDataDirEmpty(const fs::path& data_dir) {
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) return absl::OkStatus();
  if (!fs::is_directory(data_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", data_dir.string(),
                     " exists and is not a directory"));
  }
  if (!fs::is_empty(data_dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", data_dir.string(),
        " is not empty: a restore only fills an empty or absent directory, so "
        "that no store is overwritten; move the old one aside first (keep it "
        "until the restored server checks out)"));
  }
  return absl::OkStatus();
}

// Checks the restored store's chain against the backup's metadata and the
// head file; returns its end.
absl::StatusOr<AuditReader::End> CheckRestoredChain(
    const std::string& staging, const BackupSummary& backup,
    const std::vector<HeadCheckpoint>& current, RestoreOutcome* outcome) {
  StoreOptions store_options;
  store_options.path = staging;
  store_options.block_cache_bytes = 8 << 20;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(store_options);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("the restored store does not open: ",
                                     store.status().message()));
  }
  AuditReader chain((*store)->service_tables());
  absl::StatusOr<AuditReader::End> end = chain.ChainEnd();
  if (!end.ok()) return end.status();
  const BackupMetadata& meta = backup.metadata;
  if (end->sequence < meta.audit_sequence) {
    return absl::DataLossError(absl::StrCat(
        "the restored audit chain ends at entry ", end->sequence,
        " but the backup was made at entry ", meta.audit_sequence));
  }
  if (meta.audit_sequence > 0) {
    absl::StatusOr<std::optional<std::string>> mac =
        chain.MacOf(meta.audit_sequence);
    if (!mac.ok()) return mac.status();
    if (*mac != meta.audit_mac) {
      return absl::DataLossError(absl::StrCat(
          "audit entry ", meta.audit_sequence,
          " of the restored store is not the one the backup recorded"));
    }
  }
  for (const HeadCheckpoint& head : current) {
    if (head.sequence > end->sequence) {
      outcome->discarded_through =
          std::max(outcome->discarded_through, head.sequence);
      continue;
    }
    absl::StatusOr<std::optional<std::string>> mac = chain.MacOf(head.sequence);
    if (!mac.ok()) return mac.status();
    if (*mac != head.mac) {
      return absl::FailedPreconditionError(absl::StrCat(
          "audit entry ", head.sequence, " of backup ", backup.backup_id,
          " differs from line ", head.line,
          " of the head file: the backup is not of the history this head file "
          "records (another server's backup, or another server's head file)"));
    }
    ++outcome->heads_checked;
  }
  return end;
}

}  // namespace

std::string EncodeBackupMetadata(const BackupMetadata& metadata) {
  return absl::StrCat(
      kMetadataHeader, "\nformat_version=", metadata.format_version,
      "\naudit_sequence=", metadata.audit_sequence,
      "\naudit_mac=", absl::BytesToHexString(metadata.audit_mac),
      "\ncreated_unix_seconds=", metadata.created_unix_seconds,
      "\nrequested_by=", absl::CEscape(metadata.requested_by), "\n");
}

absl::StatusOr<BackupMetadata> DecodeBackupMetadata(absl::string_view text) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != kMetadataHeader) {
    return absl::InvalidArgumentError(
        "not a Hedui backup (no \"hedui-backup 1\" metadata)");
  }
  BackupMetadata metadata;
  bool have_format = false, have_sequence = false, have_mac = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(lines[i], absl::MaxSplits('=', 1));
    const auto& [key, value] = kv;
    bool ok = true;
    if (key == "format_version") {
      ok = have_format = absl::SimpleAtoi(value, &metadata.format_version);
    } else if (key == "audit_sequence") {
      ok = have_sequence = absl::SimpleAtoi(value, &metadata.audit_sequence);
    } else if (key == "audit_mac") {
      metadata.audit_mac = absl::HexStringToBytes(value);
      ok = have_mac = metadata.audit_mac.size() == kAuditMacBytes &&
                      absl::BytesToHexString(metadata.audit_mac) == value;
    } else if (key == "created_unix_seconds") {
      ok = absl::SimpleAtoi(value, &metadata.created_unix_seconds);
    } else if (key == "requested_by") {
      ok = absl::CUnescape(value, &metadata.requested_by);
    }  // Unknown keys: added by a later version, ignorable by design.
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("backup metadata: bad value for ", key));
    }
  }
  if (!have_format || !have_sequence || !have_mac) {
    return absl::InvalidArgumentError(
        "backup metadata: format_version, audit_sequence or audit_mac missing");
  }
  return metadata;
}

BackupManager::BackupManager(Store::ServiceTables tables,
                             std::string backup_dir)
    : tables_(tables), backup_dir_(std::move(backup_dir)) {}

absl::Status BackupManager::BeginChange(std::string what,
                                        absl::string_view when_busy) {
  absl::MutexLock lock(&change_mu_);
  if (!running_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("backups: ", running_, "; ", when_busy));
  }
  running_ = std::move(what);
  return absl::OkStatus();
}

void BackupManager::EndChange() {
  absl::MutexLock lock(&change_mu_);
  running_.clear();
}

absl::StatusOr<BackupSummary> BackupManager::Create(
    absl::string_view requested_by) {
  if (absl::Status s = BeginChange(
          absl::StrCat("a backup requested by ", requested_by,
                       " is running since ",
                       absl::FormatTime(absl::Now(), absl::UTCTimeZone())),
          "try again when it ends");
      !s.ok()) {
    return s;
  }
  absl::Cleanup done = [this] { EndChange(); };
  absl::ReaderMutexLock files(&files_mu_);

  std::error_code ec;
  fs::create_directories(backup_dir_, ec);
  if (ec) {
    // The path is the operator's (ListBackups names it); callers get the
    // setting's name only.
    return absl::FailedPreconditionError(absl::StrCat(
        "the configured backup_dir cannot be created: ", ec.message()));
  }
  absl::StatusOr<AuditReader::End> chain = AuditReader(tables_).ChainEnd();
  if (!chain.ok()) return chain.status();
  BackupMetadata metadata;
  metadata.format_version = kFormatVersion;
  metadata.audit_sequence = chain->sequence;
  metadata.audit_mac = chain->mac;
  metadata.created_unix_seconds = absl::ToUnixSeconds(absl::Now());
  metadata.requested_by = std::string(requested_by);

  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> engine =
      OpenEngine(backup_dir_);
  if (!engine.ok()) return engine.status();
  rocksdb::CreateBackupOptions options;
  // Without the flush the backup would still be consistent (the WAL is
  // copied), but restoring it would replay a long WAL.
  options.flush_before_backup = true;
  options.decrease_background_thread_cpu_priority = true;
  options.background_thread_cpu_priority = rocksdb::CpuPriority::kLow;
  rocksdb::BackupID id = 0;
  rocksdb::IOStatus s = (*engine)->CreateNewBackupWithMetadata(
      options, tables_.db, EncodeBackupMetadata(metadata), &id);
  if (!s.ok()) return FromRocks(s, "creating a backup");
  rocksdb::BackupInfo info;
  rocksdb::Status got = (*engine)->GetBackupInfo(id, &info);
  if (!got.ok()) return FromRocks(got, "reading the new backup's description");
  return Summarize(info);
}

absl::StatusOr<BackupListing> BackupManager::List() {
  absl::ReaderMutexLock files(&files_mu_);
  BackupListing listing;
  if (!fs::exists(backup_dir_)) return listing;  // no backup made yet
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenEngineReadOnly(backup_dir_);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  for (const rocksdb::BackupInfo& info : infos) {
    listing.backups.push_back(Summarize(info));
  }
  std::vector<rocksdb::BackupID> corrupt;
  (*engine)->GetCorruptedBackups(&corrupt);
  listing.corrupt_ids.assign(corrupt.begin(), corrupt.end());
  return listing;
}

absl::StatusOr<BackupCheck> BackupManager::Verify(uint32_t backup_id) {
  absl::ReaderMutexLock files(&files_mu_);
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenEngineReadOnly(backup_dir_);
  if (!engine.ok()) return engine.status();
  BackupCheck check;
  rocksdb::BackupInfo info;
  rocksdb::Status got = (*engine)->GetBackupInfo(backup_id, &info);
  if (got.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(
        "no backup ", backup_id, " (hedui admin backups lists them)"));
  }
  check.backup.backup_id = backup_id;
  if (!got.ok()) {
    check.problem =
        absl::StrCat("its description is damaged: ", got.ToString());
    return check;
  }
  check.backup = Summarize(info);
  rocksdb::IOStatus s =
      (*engine)->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  check.intact = s.ok();
  if (!s.ok()) check.problem = s.ToString();
  return check;
}

absl::StatusOr<PruneOutcome> BackupManager::Prune(uint32_t keep_last) {
  if (keep_last < 1) {
    return absl::InvalidArgumentError(
        "keep_last must be at least 1: pruning never deletes every backup");
  }
  if (absl::Status s = BeginChange("a prune is running", "prune when it ends");
      !s.ok()) {
    return s;
  }
  absl::Cleanup done = [this] { EndChange(); };
  absl::MutexLock files(&files_mu_);
  PruneOutcome outcome;
  if (!fs::exists(backup_dir_)) return outcome;
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> engine =
      OpenEngine(backup_dir_);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> before;
  (*engine)->GetBackupInfo(&before);
  rocksdb::IOStatus s = (*engine)->PurgeOldBackups(keep_last);
  if (!s.ok()) return FromRocks(s, "pruning backups");
  std::vector<rocksdb::BackupInfo> after;
  (*engine)->GetBackupInfo(&after);
  for (const rocksdb::BackupInfo& info : before) {
    const bool kept = std::any_of(
        after.begin(), after.end(),
        [&](const auto& a) { return a.backup_id == info.backup_id; });
    if (!kept) outcome.deleted_ids.push_back(info.backup_id);
  }
  for (const rocksdb::BackupInfo& info : after) {
    outcome.kept.push_back(Summarize(info));
  }
  return outcome;
}

absl::StatusOr<RestoreOutcome> RestoreBackup(const RestoreRequest& request) {
  if (request.backup_dir.empty()) {
    return absl::InvalidArgumentError("backup_dir: must not be empty");
  }
  if (request.data_dir.empty()) {
    return absl::InvalidArgumentError("data_dir: must not be empty");
  }
  if (request.head_file.empty()) {
    return absl::InvalidArgumentError(
        "audit_head_file: must not be empty (the restore records itself "
        "there)");
  }
  fs::path data_dir = fs::absolute(request.data_dir).lexically_normal();
  // "data/" would put the staging directory inside the target.
  if (!data_dir.has_filename()) data_dir = data_dir.parent_path();
  if (absl::Status s = CheckDataDirEmpty(data_dir); !s.ok()) return s;
  absl::StatusOr<std::vector<HeadCheckpoint>> heads =
      ReadHeadFile(request.head_file);
  if (!heads.ok()) return heads.status();

  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenEngineReadOnly(request.backup_dir);
  if (!engine.ok()) return engine.status();
  rocksdb::BackupInfo info;
  rocksdb::Status got =
      request.backup_id == 0
          ? (*engine)->GetLatestBackupInfo(&info)
          : (*engine)->GetBackupInfo(request.backup_id, &info);
  if (got.IsNotFound()) {
    return absl::NotFoundError(
        request.backup_id == 0
            ? absl::StrCat("no backup in ", request.backup_dir)
            : absl::StrCat("no backup ", request.backup_id, " in ",
                           request.backup_dir));
  }
  if (!got.ok()) return FromRocks(got, "reading the backup's description");
  RestoreOutcome outcome;
  outcome.backup = Summarize(info);
  if (!outcome.backup.metadata_problem.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup ", info.backup_id, ": ", outcome.backup.metadata_problem));
  }
  if (outcome.backup.metadata.format_version > kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup ", info.backup_id, " has data-format version ",
                     outcome.backup.metadata.format_version,
                     "; this heduid reads up to ", kFormatVersion));
  }

  // Staged beside the target (same file system, so the final rename is
  // atomic): a failed restore leaves the data directory as it was.
  const fs::path staging = data_dir.string() + ".restoring";
  std::error_code ec;
  fs::remove_all(staging, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot remove the leftover ", staging.string(), ": ", ec.message()));
  }
  fs::create_directories(staging.parent_path(), ec);
  rocksdb::IOStatus restored =
      (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions(), info.backup_id,
                                     staging.string(), staging.string());
  if (!restored.ok()) {
    fs::remove_all(staging, ec);
    return FromRocks(restored,
                     absl::StrCat("restoring backup ", info.backup_id));
  }
  absl::StatusOr<AuditReader::End> end = CheckRestoredChain(
      staging.string(), outcome.backup, CurrentHistory(*heads), &outcome);
  if (!end.ok()) {
    fs::remove_all(staging, ec);
    return end.status();
  }
  outcome.audit_sequence = end->sequence;
  outcome.audit_mac = end->mac;

  // The marker before the move: if the move fails, running the restore
  // again appends another marker for the same chain, which is harmless; the
  // other order could leave a restored store whose head file says its
  // history was cut.
  if (absl::Status s = AppendHeadLine(
          request.head_file,
          FormatRestoreLine(end->sequence, end->mac, info.backup_id,
                            absl::ToUnixSeconds(absl::Now())));
      !s.ok()) {
    fs::remove_all(staging, ec);
    return s;
  }
  if (fs::exists(data_dir)) fs::remove(data_dir, ec);  // checked empty
  fs::rename(staging, data_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("the restored store is in ", staging.string(),
                     " but cannot be moved to ", data_dir.string(), ": ",
                     ec.message(), "; move it by hand"));
  }
  if (absl::Status s = SyncDirectory(data_dir.parent_path()); !s.ok()) {
    return s;
  }
  return outcome;
}

}  // namespace hedui::storage
