#include "storage/column_families.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "storage/keys.h"
#include "storage/masking_logger.h"
#include "storage/rocks_status.h"
#include "storage/store_damage.h"

namespace hedui::storage {
namespace {

rocksdb::ColumnFamilyOptions RecordsOptions(const ColumnFamilyConfig& config) {
  rocksdb::ColumnFamilyOptions options;
  options.prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(kPersonIdBytes));
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  options.compaction_filter_factory = config.records_filter;
  options.write_buffer_size = 64ull << 20;
  options.level_compaction_dynamic_level_bytes = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(config.block_cache_bytes);
  // Reads are prefix scans only: a prefix bloom, no whole-key bloom.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = false;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::ColumnFamilyOptions HouseholdsOptions(
    const ColumnFamilyConfig& config) {
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kLZ4Compression;
  options.compaction_filter_factory = config.households_filter;
  return options;
}

// Reports (and change events) are written once and read rarely: compress
// them hard.
rocksdb::ColumnFamilyOptions ReportsOptions() {
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  return options;
}

// RocksDB recovers from some background errors by itself (a full disk, once
// its SstFileManager sees free space). After a failed write-ahead-log write
// that recovery does not replace the log's writer when every memtable is
// empty, and the next write then aborts on RocksDB's assertion (or fails
// for good). The service log resumes the store itself (ServiceLog::
// TryRecover) and switches to a new log at once, so the automatic recovery
// is turned down for that one kind of error.
class NoAutomaticRecoveryAfterLogWrites : public rocksdb::EventListener {
 public:
  const char* Name() const override {
    return "NoAutomaticRecoveryAfterLogWrites";
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason,
                            rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    if (reason == rocksdb::BackgroundErrorReason::kWriteCallback) {
      *auto_recovery = false;
    }
  }
};

// Why the store was not opened. RocksDB's own status names a damaged table
// or MANIFEST but not a damaged write-ahead log: that one is named by what
// it logged while replaying.
absl::Status OpenFailure(const rocksdb::Status& status, const std::string& path,
                         const MaskingLogger& logger) {
  absl::Status failure =
      FromRocks(status, absl::StrCat("opening the store at ", path));
  if (!status.IsCorruption()) return failure;
  std::string where;
  for (const std::string& dropped : logger.DroppedLogRecords()) {
    absl::StrAppend(&where, where.empty() ? "" : "; ", dropped);
  }
  if (where.empty()) return failure;
  return absl::DataLossError(
      absl::StrCat("opening the store at ", path,
                   ": a write-ahead log is damaged before its end (", where,
                   "); ", kRestoreAdvice));
}

}  // namespace

void ColumnFamilies::Close(rocksdb::DB* db) {
  for (auto** handle :
       {&default_family, &records, &meta, &households, &reports, &audit, &rolls,
        &roll_requests, &roll_persons, &events}) {
    if (*handle != nullptr) {
      db->DestroyColumnFamilyHandle(*handle).PermitUncheckedError();
      *handle = nullptr;
    }
  }
}

absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDatabase(
    const std::string& path, const ColumnFamilyConfig& config,
    ColumnFamilies* families) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 10;
  // Every write the service acknowledges is synced, so the only damage a
  // crash leaves in a write-ahead log is an incomplete last record, which
  // was never acknowledged. This mode drops such a tail and refuses anything
  // else; the default (kPointInTimeRecovery) silently stopped at the first
  // bad record and dropped every acknowledged write after it.
  db_options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  // The service log keeps an entry in the default family's memtable
  // (ServiceLog: KeepAMemtableEntry), which holds on to every log since;
  // past this much log RocksDB flushes it (the default would be several
  // GB with six families).
  db_options.max_total_wal_size = 256ull << 20;
  // That entry is kept out of the log; it alone is no reason to flush every
  // family at shutdown, which RocksDB would otherwise do.
  db_options.avoid_flush_during_shutdown = true;
  db_options.listeners.push_back(
      std::make_shared<NoAutomaticRecoveryAfterLogWrites>());
  auto logger = std::make_shared<MaskingLogger>(path, config.env);
  db_options.info_log = logger;
  // Tickers only (no timers): the block-cache hit ratio the metrics endpoint
  // shows, at the cost of a few relaxed atomic increments per read.
  db_options.statistics = rocksdb::CreateDBStatistics();
  db_options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  if (config.env != nullptr) db_options.env = config.env;

  std::vector<std::string> existing;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
  if (listed.ok()) {
    for (const std::string& name : existing) {
      if (name != rocksdb::kDefaultColumnFamilyName && name != kRecordsFamily &&
          name != kMetaFamily && name != kHouseholdsFamily &&
          name != kReportsFamily && name != kAuditFamily &&
          name != kRollsFamily && name != kRollRequestsFamily &&
          name != kRollPersonsFamily && name != kEventsFamily) {
        return absl::FailedPreconditionError(absl::StrCat(
            "store at ", path, " has column family '", name,
            "' that this heduid does not know: it was written by a newer "
            "data format; refusing to open it"));
      }
    }
  }

  families->records_options = RecordsOptions(config);
  families->households_options = HouseholdsOptions(config);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kRecordsFamily, families->records_options},
      {kMetaFamily, rocksdb::ColumnFamilyOptions()},
      {kHouseholdsFamily, families->households_options},
      {kReportsFamily, ReportsOptions()},
      {kAuditFamily, rocksdb::ColumnFamilyOptions()},
      {kRollsFamily, ReportsOptions()},
      {kRollRequestsFamily, rocksdb::ColumnFamilyOptions()},
      {kRollPersonsFamily, rocksdb::ColumnFamilyOptions()},
      {kEventsFamily, ReportsOptions()},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (!s.ok()) return OpenFailure(s, path, *logger);
  families->default_family = handles[0];
  families->records = handles[1];
  families->meta = handles[2];
  families->households = handles[3];
  families->reports = handles[4];
  families->audit = handles[5];
  families->rolls = handles[6];
  families->roll_requests = handles[7];
  families->roll_persons = handles[8];
  families->events = handles[9];
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace hedui::storage
