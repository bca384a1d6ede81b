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
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hedui/v1/codes.pb.h"
#include "rocksdb/options.h"
#include "storage/record_batch.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class SstFileWriter;
class Iterator;
class WriteBatch;
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

// The changed persons of a full snapshot, found while it loads (issue 16):
// each generation keeps a digest per person of its rows of the department
// (`meta` "digests/NN/<gen BE32>/<chunk BE32>": person ID (18) and an 8-byte
// FNV-1a of the person's natural keys and values, in person order). Fed the
// new rows in order, the recorder merges them with the previous generation's
// digests, one sequential read, and writes the persons whose rows differ
// (added, removed or changed) to "changed/NN/<gen BE32>/<chunk BE32>".
// Chunks are written unsynced as they fill (their generation is invisible
// until the switch); `Finish` adds the headers to the switch's synced batch:
// "digests/NN/<gen>" (the list is whole) and, when the previous
// generation's digests were there (or there was none), "changed/NN/<gen>" =
// the previous generation (BE32): the switch record's changed persons are
// then read back by PersonsChangedBetween instead of comparing generations.
class ChangeRecorder {
 public:
  ChangeRecorder(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
                 hedui::v1::Department department, uint32_t previous_generation,
                 uint32_t generation);
  ~ChangeRecorder();
  // Reads whether the previous generation's digests exist.
  absl::Status Begin();
  // The next rows, in (person, natural key) order.
  absl::Status Add(const RecordBatch& rows);
  absl::Status Finish(rocksdb::WriteBatch* switch_batch);
  int64_t persons() const { return persons_; }
  int64_t changed() const { return changed_count_; }
  // Whether the changed persons were recorded (the previous generation's
  // digests were there, or there was no previous generation).
  bool recorded() const { return compare_; }

 private:
  absl::Status EndPerson();
  absl::Status NextOld();
  absl::Status Changed(absl::string_view person);
  absl::Status FlushChunks(bool all);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* meta_;
  hedui::v1::Department department_;
  uint32_t previous_;
  uint32_t generation_;
  bool compare_ = false;  // the previous digests are there (or none needed)
  std::unique_ptr<rocksdb::Iterator> old_;
  std::string old_chunk_;
  size_t old_pos_ = 0;
  bool old_done_ = true;
  std::string old_person_;
  uint64_t old_digest_ = 0;
  std::string person_;
  uint64_t digest_ = 0;
  std::string digests_;
  std::string changed_;
  uint32_t digest_chunks_ = 0;
  uint32_t changed_chunks_ = 0;
  int64_t persons_ = 0;
  int64_t changed_count_ = 0;
};

// Key ranges of one generation's digests and changed persons (dropped when
// the generation is retired or abandoned).
std::pair<std::string, std::string> DigestRange(
    hedui::v1::Department department, uint32_t generation);
std::pair<std::string, std::string> ChangedRange(
    hedui::v1::Department department, uint32_t generation);
// The changed persons recorded for `generation` against
// `previous_generation`, sorted; nullopt when none were recorded.
absl::StatusOr<std::optional<std::vector<std::string>>> RecordedChanges(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
    hedui::v1::Department department, uint32_t previous_generation,
    uint32_t generation);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_JOINT_SWITCH_H_
