#ifndef HEDUI_STORAGE_JOINT_SWITCH_H_
#define HEDUI_STORAGE_JOINT_SWITCH_H_

// Internal to the store (storage/store.cc): a new generation of a department
// written from rows handed out in pieces (Store::RowSource), so that a file
// confirmed from the hold (storage/feed_hold.h) is never in memory whole.
// The records go to SST files of at most `max_records_per_sst` rows, written
// one after the other; the registration's household index (other key order)
// to sorted runs of at most `household_run_bytes`, each its own SST, since
// runs overlap. Everything is ingested by `Ingest`, invisible until the
// caller's switch makes the generation current.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hedui/v1/codes.pb.h"
#include "rocksdb/options.h"
#include "storage/record_batch.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class SstFileWriter;
}  // namespace rocksdb

namespace hedui::storage {

struct GenerationTarget {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* records = nullptr;
  rocksdb::ColumnFamilyHandle* households = nullptr;
  rocksdb::Options records_sst;     // what SstFileWriter must match
  rocksdb::Options households_sst;  // idem
  std::string dir;                  // an empty directory of its own
  size_t max_records_per_sst = 4'000'000;
  size_t household_run_bytes = 32u << 20;
};

class StreamedGeneration {
 public:
  StreamedGeneration(GenerationTarget target, hedui::v1::Department department,
                     uint32_t generation);
  ~StreamedGeneration();

  // The next piece of rows: sorted and unique, each after every row of the
  // earlier pieces (INTERNAL otherwise: the caller promised sorted rows).
  absl::Status Add(const RecordBatch& rows);
  // Ingests what was written (moving the files). Once.
  absl::Status Ingest();
  int64_t rows() const { return rows_; }

 private:
  absl::Status CloseRecordsFile();
  absl::Status FlushHouseholdRun();

  GenerationTarget target_;
  hedui::v1::Department department_;
  uint32_t generation_;
  int64_t rows_ = 0;
  std::string last_key_;  // person_id + natural key of the last row
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
  size_t in_file_ = 0;
  std::vector<std::string> record_files_;
  std::vector<std::pair<std::string, std::string>> run_;
  size_t run_bytes_ = 0;
  std::vector<std::string> household_files_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_JOINT_SWITCH_H_
