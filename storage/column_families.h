#ifndef HEDUI_STORAGE_COLUMN_FAMILIES_H_
#define HEDUI_STORAGE_COLUMN_FAMILIES_H_

// The registry of column families. New families are appended, never
// reordered or renamed: their names are on disk.
//
//   default   unused (RocksDB requires it)
//   records   department records, one-seek-per-person layout (storage/keys.h)
//   meta      format marker, department states, batches (storage/keys.h)
//   households  register of each household number (storage/keys.h)
//   reports   verification reports as produced, and their indexes (format 2)
//   audit     the HMAC-chained audit trail (format 2)
//   rolls     roll entries and their indexes (format 3, storage/rolls/)
//   roll_requests  results of roll calls by request id (format 3)
//   roll_persons   person index of active roll entries (format 3)
//   events    numbered change events and their indexes (format 4,
//             storage/events/)

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace hedui::storage {

inline constexpr char kRecordsFamily[] = "records";
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kHouseholdsFamily[] = "households";
inline constexpr char kReportsFamily[] = "reports";
inline constexpr char kAuditFamily[] = "audit";
inline constexpr char kRollsFamily[] = "rolls";
inline constexpr char kRollRequestsFamily[] = "roll_requests";
inline constexpr char kRollPersonsFamily[] = "roll_persons";
inline constexpr char kEventsFamily[] = "events";

struct ColumnFamilyConfig {
  size_t block_cache_bytes = 512ull << 20;
  rocksdb::Env* env = nullptr;
  // Drop retired generations (null: keep everything).
  std::shared_ptr<rocksdb::CompactionFilterFactory> records_filter;
  std::shared_ptr<rocksdb::CompactionFilterFactory> households_filter;
};

struct ColumnFamilies {
  rocksdb::ColumnFamilyHandle* default_family = nullptr;
  rocksdb::ColumnFamilyHandle* records = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* households = nullptr;
  rocksdb::ColumnFamilyHandle* reports = nullptr;
  rocksdb::ColumnFamilyHandle* audit = nullptr;
  rocksdb::ColumnFamilyHandle* rolls = nullptr;
  rocksdb::ColumnFamilyHandle* roll_requests = nullptr;
  rocksdb::ColumnFamilyHandle* roll_persons = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyOptions records_options;
  rocksdb::ColumnFamilyOptions households_options;

  // Destroys the handles; the database must still be open.
  void Close(rocksdb::DB* db);
};

// Opens (creating if missing) the database with every registered family.
// Refuses a directory holding families this build does not know: it was
// written by a newer format.
absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDatabase(
    const std::string& path, const ColumnFamilyConfig& config,
    ColumnFamilies* families);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_COLUMN_FAMILIES_H_
