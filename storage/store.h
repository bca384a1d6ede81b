#ifndef HEDUI_STORAGE_STORE_H_
#define HEDUI_STORAGE_STORE_H_

// The department-records store: the only owner of the RocksDB instance.
//
// Thread safety: reads (ReadPersons, ListDepartments, FindBatch) may run
// concurrently with each other and with one writer; Apply* calls are
// serialized internally.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hedui/store/v1/meta.pb.h"
#include "hedui/store/v1/records.pb.h"
#include "hedui/v1/codes.pb.h"
#include "storage/record_batch.h"

namespace rocksdb {
class Env;
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace hedui::storage {

// The data-format version this build writes and reads (storage/FORMAT.md).
// 2: adds the `reports` and `audit` column families; 3: adds `rolls`,
// `roll_requests` and `roll_persons`; 4: adds `events`. An older store is
// upgraded in place at open (its missing families are created empty, then
// the marker is raised).
inline constexpr uint32_t kFormatVersion = 5;

struct StoreOptions {
  std::string path;  // directory of the RocksDB instance; created if missing
  // Full snapshots kept besides the current one, for audits and
  // re-verification. At least 1: a reader that started just before a switch
  // must still find the snapshot it is reading.
  int retained_snapshots = 1;
  size_t block_cache_bytes = 512ull << 20;
  // Bulk loads are split into SST files of at most this many records.
  size_t max_records_per_sst = 4'000'000;
  // Threads writing a bulk load's SST files (each a disjoint key range).
  int sst_writer_threads = 2;
  // A registration file streamed into the store (ApplyJoint) sorts its
  // household index in runs of at most this many bytes of memory.
  size_t household_run_bytes = 32u << 20;
  // Test only: the Env the database runs on (e.g. one that counts syncs).
  rocksdb::Env* env = nullptr;
  // Test only: called after a new snapshot's files are ingested and before
  // it is made current, and before a delta's synced write (the crash tests
  // pause here).
  std::function<void()> before_switch_hook;
};

struct BatchHeader {
  hedui::v1::Department department = hedui::v1::DEPARTMENT_UNSPECIFIED;
  absl::CivilDay as_of;
  std::string batch_id;
  bool force = false;  // accept a shrinking or older full snapshot
};

struct ApplyResult {
  bool already_applied = false;
  hedui::store::v1::BatchRecord batch;     // what was (or had been) applied
  hedui::store::v1::SnapshotInfo current;  // the department's current state
  int64_t upserts = 0;
  int64_t deletions = 0;
  // A full snapshot: the persons whose rows differ from the previous
  // generation's, found while it loaded (-1: not recorded, the previous
  // generation predates the digests), and the time that took.
  int64_t changed_persons = -1;
  double recording_seconds = 0;
};

// The rows of one file handed out in pieces, so that a file need not be in
// memory whole (a held file is read back chunk by chunk): calls `sink` with
// each piece in order, every piece sorted and unique and after the rows of
// the pieces before it; stops at the first error and returns it.
using RowSink = std::function<absl::Status(const RecordBatch&)>;
using RowSource = std::function<absl::Status(const RowSink& sink)>;

// One file of a joint switch (Store::ApplyJoint).
struct JointFile {
  BatchHeader header;
  bool delta = false;
  // The file's row count, known before its rows are read (the shrink check
  // of a full snapshot needs it); DATA_LOSS when the source gives another.
  int64_t rows = 0;
  RowSource source;
};

class Store {
 public:
  // Opens or creates the store. Refuses, with a message saying so, data of a
  // format version it does not know and directories that are not a Hedui
  // store.
  static absl::StatusOr<std::unique_ptr<Store>> Open(StoreOptions options);
  virtual ~Store() = default;

  // Replaces the department's current snapshot by `records` (sorted and
  // unique: RecordBatch::Sort, duplicates rejected by the caller) atomically: a
  // reader sees all of the old snapshot or all of the new one. Durable when
  // it returns (ingested files and a synced WAL write). A batch id already
  // applied to the department is a no-op (already_applied).
  // FAILED_PRECONDITION: under half the current row count, or an as-of date
  // before the current one, unless header.force.
  virtual absl::StatusOr<ApplyResult> ApplyFullSnapshot(
      const BatchHeader& header, const RecordBatch& records) = 0;

  // Applies upserts and deletions (RecordView::erase) to the current
  // snapshot in one synced write; a key may appear once. FAILED_PRECONDITION
  // when the department has no snapshot yet or the as-of date is before the
  // current one.
  virtual absl::StatusOr<ApplyResult> ApplyDelta(
      const BatchHeader& header, const RecordBatch& records) = 0;

  // Several files (at most one per department, none applied before)
  // switched as one: each full snapshot's generation is loaded (invisible),
  // each delta's writes prepared, then a single synced WriteBatch makes every
  // department current at once, with every batch and switch record and what
  // `also` adds (the caller's own bookkeeping, e.g. dropping the holds).
  // Either every file is current when it returns OK, or none is: a refusal
  // (the checks of ApplyFullSnapshot and ApplyDelta, or a batch already
  // applied: FAILED_PRECONDITION) or a failed write leaves every department
  // as it was. Durable when it returns. The results follow `files`.
  // A store that writes nothing (a preview's) keeps this refusal.
  virtual absl::StatusOr<std::vector<ApplyResult>> ApplyJoint(
      const std::vector<JointFile>& files,
      const std::function<void(rocksdb::WriteBatch*)>& also) {
    (void)files;
    (void)also;
    return absl::UnimplementedError("this store switches no files");
  }

  // Every current record of these persons (validated 18-character IDs), and
  // each department's as-of date, from one consistent snapshot.
  virtual absl::StatusOr<hedui::store::v1::RecordSet> ReadPersons(
      absl::Span<const std::string> person_ids) = 0;
  // Same, into `out` (cleared first). Hot paths pass a message allocated on
  // a protobuf arena: a household's ~30 records then cost no malloc each.
  virtual absl::Status ReadPersonsInto(absl::Span<const std::string> person_ids,
                                       hedui::store::v1::RecordSet* out) = 0;

  // ReadPersonsInto, plus the register of every household number the persons
  // are registered under (RecordSet::household_registers): how an undeclared
  // spouse or child is found. Of the other residents only the registration
  // rows are read, never their other records.
  virtual absl::Status ReadPersonsWithHouseholds(
      absl::Span<const std::string> person_ids,
      hedui::store::v1::RecordSet* out) = 0;

  // Same, but for the departments named in `generations`, the given
  // (current or retained) snapshot instead of the current one: audits and
  // re-verification against the data a decision saw.
  virtual absl::StatusOr<hedui::store::v1::RecordSet> ReadPersonsAt(
      absl::Span<const std::string> person_ids,
      absl::Span<const hedui::store::v1::DepartmentAsOf> generations) = 0;

  // The state of every department that has data.
  virtual absl::StatusOr<std::vector<hedui::store::v1::DepartmentState>>
  ListDepartments() = 0;

  virtual absl::StatusOr<std::optional<hedui::store::v1::BatchRecord>>
  FindBatch(hedui::v1::Department department, absl::string_view batch_id) = 0;

  // Compacts now, so that records of retired and abandoned generations are
  // physically gone when it returns (also done in the background after
  // every switch).
  virtual absl::Status CompactRetired() = 0;

  // Retention: drops the retained (non-current) snapshots that stopped being
  // current before `retired_before` (when the snapshot after them was
  // ingested) and returns them; their records leave with a background
  // compaction. With dry_run, only returns them. ReadPersonsAt no longer
  // finds a dropped snapshot.
  virtual absl::StatusOr<std::vector<hedui::store::v1::SnapshotInfo>>
  PurgeRetiredSnapshots(absl::Time retired_before, bool dry_run) = 0;

  // Number of records physically present for a department and generation,
  // current or not (retention tests and operators).
  virtual absl::StatusOr<int64_t> CountRecords(hedui::v1::Department department,
                                               uint32_t generation) = 0;

  // The families holding the verification service's own data, written
  // through the same database (one backup, one consistent snapshot) by
  // storage/report_store.h and storage/audit_log.h. Valid while the Store
  // lives.
  struct ServiceTables {
    rocksdb::DB* db = nullptr;
    rocksdb::ColumnFamilyHandle* reports = nullptr;
    rocksdb::ColumnFamilyHandle* audit = nullptr;
    // Rolls (storage/rolls/roll_store.h, format 3).
    rocksdb::ColumnFamilyHandle* rolls = nullptr;
    rocksdb::ColumnFamilyHandle* roll_requests = nullptr;
    rocksdb::ColumnFamilyHandle* roll_persons = nullptr;
    // Change events (storage/events/event_store.h, format 4).
    rocksdb::ColumnFamilyHandle* events = nullptr;
    // The department data, for the re-verification runner's comparison of
    // generations and its jobs in `meta` (storage/switch_log.h).
    rocksdb::ColumnFamilyHandle* meta = nullptr;
    rocksdb::ColumnFamilyHandle* records = nullptr;
    rocksdb::ColumnFamilyHandle* households = nullptr;
  };
  virtual ServiceTables service_tables() = 0;

  // Called once another writer of the same database (the service log) has
  // recovered it from a failed write with DB::Resume: RocksDB 7.8 aborts an
  // ingestion after that, so the store takes no department file until
  // heduid is restarted (ReadyToWrite refuses with UNAVAILABLE), as after
  // its own failed switch write.
  virtual void TakeNoFilesUntilRestart() = 0;

  // One full scan: records physically present per (department number,
  // generation). For the offline consistency check (`heduid --check`).
  virtual absl::StatusOr<std::map<std::pair<int, uint32_t>, int64_t>>
  CountAllRecords() = 0;

  // Reads every table of the store and checks every block's checksum
  // (`heduid --check`): damage the open cannot see, because reads find it
  // only when they reach it. DATA_LOSS names the damaged file.
  virtual absl::Status VerifyChecksums() = 0;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_STORE_H_
