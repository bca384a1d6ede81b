#include "storage/column_families.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "storage/keys.h"
#include "storage/masking_logger.h"
#include "storage/rocks_status.h"

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

// Reports are written once and read rarely: compress them hard.
rocksdb::ColumnFamilyOptions ReportsOptions() {
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  return options;
}

}  // namespace

void ColumnFamilies::Close(rocksdb::DB* db) {
  for (auto** handle :
       {&default_family, &records, &meta, &households, &reports, &audit}) {
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
  db_options.info_log = std::make_shared<MaskingLogger>(path);
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
          name != kReportsFamily && name != kAuditFamily) {
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
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening the store at ", path));
  families->default_family = handles[0];
  families->records = handles[1];
  families->meta = handles[2];
  families->households = handles[3];
  families->reports = handles[4];
  families->audit = handles[5];
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace hedui::storage
