#include "storage/store.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/column_families.h"
#include "storage/generation_filter.h"
#include "storage/joint_switch.h"
#include "storage/keys.h"
#include "storage/record_codec.h"
#include "storage/rocks_status.h"
#include "storage/switch_log.h"
#include "storage/types/civil_date.h"

namespace hedui::storage {
namespace {

using hedui::store::v1::BatchRecord;
using hedui::store::v1::CurrentView;
using hedui::store::v1::DepartmentAsOf;
using hedui::store::v1::DepartmentState;
using hedui::store::v1::PendingGeneration;
using hedui::store::v1::RecordSet;
using hedui::store::v1::SnapshotInfo;
using hedui::store::v1::StoreFormat;
using hedui::v1::Department;

constexpr uint32_t kNoGeneration = 0;

bool ValidDepartment(Department d) {
  return d > hedui::v1::DEPARTMENT_UNSPECIFIED && d <= kMaxDepartmentNumber &&
         hedui::v1::Department_IsValid(d);
}

// Replaces (or adds) the department's entry of the reader's view.
void SetCurrent(CurrentView& view, const SnapshotInfo& info) {
  CurrentView::Department* entry = nullptr;
  for (auto& d : *view.mutable_departments()) {
    if (d.department() == info.department()) entry = &d;
  }
  if (entry == nullptr) entry = view.add_departments();
  entry->set_department(info.department());
  entry->set_generation(info.generation());
  *entry->mutable_as_of() = info.as_of();
}

BatchRecord MakeBatchRecord(const BatchHeader& header, bool delta,
                            uint64_t generation, int64_t rows, int64_t now) {
  BatchRecord batch;
  batch.set_batch_id(header.batch_id);
  batch.set_department(header.department);
  batch.set_delta(delta);
  batch.set_generation(generation);
  batch.set_rows(rows);
  *batch.mutable_as_of() = ToProto(header.as_of);
  batch.set_ingested_unix_seconds(now);
  return batch;
}

class RocksStore final : public Store {
 public:
  void TakeNoFilesUntilRestart() override {
    absl::MutexLock lock(&writer_mu_);
    writes_refused_ = true;
  }

  ServiceTables service_tables() override {
    ServiceTables tables{db_.get(),  cfs_.reports,       cfs_.audit,
                         cfs_.rolls, cfs_.roll_requests, cfs_.roll_persons};
    tables.meta = cfs_.meta;
    tables.records = cfs_.records;
    tables.households = cfs_.households;
    tables.events = cfs_.events;
    return tables;
  }
  ~RocksStore() override;

  static absl::StatusOr<std::unique_ptr<Store>> Open(StoreOptions options);

  absl::StatusOr<ApplyResult> ApplyFullSnapshot(
      const BatchHeader& header, const RecordBatch& records) override;
  absl::StatusOr<ApplyResult> ApplyDelta(const BatchHeader& header,
                                         const RecordBatch& records) override;
  absl::StatusOr<std::vector<ApplyResult>> ApplyJoint(
      const std::vector<JointFile>& files,
      const std::function<void(rocksdb::WriteBatch*)>& also) override;
  absl::StatusOr<RecordSet> ReadPersons(
      absl::Span<const std::string> person_ids) override;
  absl::Status ReadPersonsInto(absl::Span<const std::string> person_ids,
                               RecordSet* out) override;
  absl::Status ReadPersonsWithHouseholds(
      absl::Span<const std::string> person_ids, RecordSet* out) override;
  absl::StatusOr<RecordSet> ReadPersonsAt(
      absl::Span<const std::string> person_ids,
      absl::Span<const DepartmentAsOf> generations) override;
  absl::StatusOr<std::vector<DepartmentState>> ListDepartments() override;
  absl::StatusOr<std::optional<BatchRecord>> FindBatch(
      Department department, absl::string_view batch_id) override;
  absl::Status CompactRetired() override;
  absl::StatusOr<std::vector<SnapshotInfo>> PurgeRetiredSnapshots(
      absl::Time retired_before, bool dry_run) override;
  absl::StatusOr<int64_t> CountRecords(Department department,
                                       uint32_t generation) override;
  absl::StatusOr<std::map<std::pair<int, uint32_t>, int64_t>> CountAllRecords()
      override;
  absl::Status VerifyChecksums() override {
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    return FromRocks(db_->VerifyChecksum(read), "checking the store's tables");
  }

 private:
  RocksStore() = default;

  absl::Status CheckFormat();
  absl::Status LoadLiveGenerations();
  absl::Status ValidateHeader(const BatchHeader& header) const;
  // The refusals of a full snapshot (shrinking, older) and of a delta (no
  // snapshot yet, older), unless forced.
  absl::Status CheckFull(const BatchHeader& header, int64_t rows,
                         const DepartmentState& state) const;
  absl::Status CheckDelta(const BatchHeader& header,
                          const absl::StatusOr<DepartmentState>& state) const;
  // Step 1 of a full snapshot: the generation number, reserved durably.
  absl::StatusOr<uint64_t> ReserveGeneration(const BatchHeader& header,
                                             DepartmentState* state);
  // Adds a loaded generation's switch to `flip` (state, batch record, the
  // pending marker's deletion) and to `view` and `switches`; returns the
  // new current snapshot. Generations leaving the retained ones go to
  // `retired`.
  SnapshotInfo AddFullSwitch(
      const BatchHeader& header, const DepartmentState& state,
      uint64_t generation, int64_t rows, int64_t now, CurrentView* view,
      rocksdb::WriteBatch* flip,
      std::vector<hedui::store::v1::SwitchRecord>* switches,
      std::vector<uint32_t>* retired);
  // A delta being prepared: its writes go to a WriteBatch piece by piece.
  struct DeltaWork {
    uint32_t generation = 0;
    int64_t rows = 0;  // the department's row count after the rows so far
    int64_t upserts = 0;
    int64_t deletions = 0;
    absl::flat_hash_set<std::string> changed_persons;
    absl::flat_hash_set<std::string> changed_households;
  };
  absl::Status AddDeltaRows(const BatchHeader& header,
                            const RecordBatch& records, DeltaWork* work,
                            rocksdb::WriteBatch* batch_write);
  ApplyResult AddDeltaSwitch(
      const BatchHeader& header, DepartmentState state, DeltaWork work,
      int64_t file_rows, int64_t now, CurrentView* view,
      rocksdb::WriteBatch* batch_write,
      std::vector<hedui::store::v1::SwitchRecord>* switches);
  // Generations reserved and loaded for a switch that did not happen.
  void AbandonGenerations(
      const std::vector<std::pair<Department, uint32_t>>& reserved);
  // A switch's synced write failed. RocksDB 7.8 can resume writing after a
  // failed log write (DB::Resume), but an ingestion after that aborts on its
  // assertion (`number > 0` in TableFileName): so the store refuses every
  // later file until it is reopened (ReadyToWrite), and tries at once, and
  // again when closed, to make sure a restart cannot replay the failed
  // batch (ForgetFailedWrite).
  void SwitchWriteFailed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);
  // After a failure on the way to a switch: SwitchWriteFailed if the store
  // stopped taking writes.
  void AfterFailure() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);
  // Makes the failed batch's log obsolete (false: the store does not take
  // writes yet; tried again at close).
  bool ForgetFailedWrite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);
  // Before a synced write that may fail: see the definition.
  void KeepAMemtableEntry();
  // Before a write: UNAVAILABLE after a switch's failed write.
  absl::Status ReadyToWrite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  // Reads a metadata value at `snapshot` (nullptr: latest) into `message`.
  // NotFound when absent.
  absl::Status GetMeta(const std::string& key,
                       google::protobuf::MessageLite* message,
                       const rocksdb::Snapshot* snapshot = nullptr);
  absl::StatusOr<DepartmentState> LoadState(Department department);
  absl::StatusOr<CurrentView> LoadCurrentView(const rocksdb::Snapshot* snap);
  absl::Status WriteSstFiles(Department department, uint32_t generation,
                             const RecordBatch& records,
                             std::vector<std::string>* files);
  absl::Status Read(absl::Span<const std::string> person_ids,
                    absl::Span<const DepartmentAsOf> overrides,
                    bool with_households, RecordSet* result);
  absl::Status ReadHouseholdRegisters(const rocksdb::Snapshot* snapshot,
                                      uint32_t generation, RecordSet* result);
  absl::Status WriteHouseholdIndex(uint32_t generation,
                                   const RecordBatch& records,
                                   std::string* file);
  void ScheduleCompaction();

  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  ColumnFamilies cfs_;
  std::shared_ptr<LiveGenerations> live_;
  rocksdb::Options sst_options_;  // what SstFileWriter must match
  rocksdb::Options households_sst_options_;
  absl::Mutex writer_mu_;
  bool failed_write_ ABSL_GUARDED_BY(writer_mu_) = false;
  bool writes_refused_ ABSL_GUARDED_BY(writer_mu_) = false;
  std::atomic<bool> closing_{false};
  std::thread compactor_;
  absl::Mutex compact_mu_;
  bool compaction_wanted_ ABSL_GUARDED_BY(compact_mu_) = false;
};

RocksStore::~RocksStore() {
  {
    // A failed write not yet forgotten must not come back at the next open.
    absl::MutexLock writer(&writer_mu_);
    if (failed_write_ && db_) ForgetFailedWrite();
  }
  closing_ = true;
  {
    absl::MutexLock lock(&compact_mu_);
    compaction_wanted_ = true;  // wakes the compactor so it sees closing_
  }
  if (compactor_.joinable()) compactor_.join();
  if (db_) {
    cfs_.Close(db_.get());
    db_->Close().PermitUncheckedError();
  }
}

absl::StatusOr<std::unique_ptr<Store>> RocksStore::Open(StoreOptions options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path: must not be empty");
  }
  if (options.retained_snapshots < 1) {
    return absl::InvalidArgumentError(
        "retained_snapshots: must be at least 1 (a reader that started before "
        "a switch must still find its snapshot)");
  }
  std::unique_ptr<RocksStore> store(new RocksStore());
  store->options_ = std::move(options);
  const StoreOptions& opts = store->options_;
  store->live_ = std::make_shared<LiveGenerations>();

  std::error_code ec;
  std::filesystem::create_directories(opts.path, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store path ", opts.path, ": cannot create: ", ec.message()));
  }
  ColumnFamilyConfig config;
  config.block_cache_bytes = opts.block_cache_bytes;
  config.env = opts.env;
  config.records_filter = std::make_shared<GenerationFilterFactory>(
      store->live_, GenerationKeys::kRecords);
  config.households_filter = std::make_shared<GenerationFilterFactory>(
      store->live_, GenerationKeys::kHouseholds);
  auto opened = OpenDatabase(opts.path, config, &store->cfs_);
  if (!opened.ok()) return opened.status();
  store->db_ = std::move(*opened);
  store->sst_options_ =
      rocksdb::Options(store->db_->GetDBOptions(), store->cfs_.records_options);
  store->households_sst_options_ = rocksdb::Options(
      store->db_->GetDBOptions(), store->cfs_.households_options);

  if (absl::Status s = store->CheckFormat(); !s.ok()) return s;
  if (absl::Status s = store->LoadLiveGenerations(); !s.ok()) return s;
  store->compactor_ = std::thread([raw = store.get()] {
    while (true) {
      {
        absl::MutexLock lock(&raw->compact_mu_);
        raw->compact_mu_.Await(absl::Condition(&raw->compaction_wanted_));
        raw->compaction_wanted_ = false;
      }
      if (raw->closing_) return;
      raw->CompactRetired().IgnoreError();  // retried after the next switch
    }
  });
  return std::unique_ptr<Store>(std::move(store));
}

absl::Status RocksStore::CheckFormat() {
  StoreFormat format;
  absl::Status s = GetMeta(FormatKey(), &format);
  if (absl::IsNotFound(s)) {
    // A new store, unless records exist without a format marker.
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cfs_.records));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store at ", options_.path,
          " holds records but no data-format marker: not a Hedui store, or "
          "damaged; refusing to open it"));
    }
    format.set_version(kFormatVersion);
    format.set_created_by("heduid");
    format.set_created_unix_seconds(absl::ToUnixSeconds(absl::Now()));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(
        db_->Put(sync, cfs_.meta, FormatKey(), format.SerializeAsString()),
        "writing the data-format marker");
  }
  if (!s.ok()) return s;
  if (format.version() >= 1 && format.version() < kFormatVersion) {
    // Versions 2, 3 and 4 only added column families, which the open
    // created empty, and 5 only keys in `meta` that a generation loaded
    // before it lacks (its next file is compared the old way): nothing else
    // to convert. A family the marked version
    // did not have and that holds data was not written by a heduid of that
    // version (it refuses unknown families): refused rather than adopted.
    // The marker is raised once, synced, so a store that an older heduid can
    // no longer read says so by its marker.
    const uint32_t from = format.version();
    struct Added {
      rocksdb::ColumnFamilyHandle* family;
      const char* name;
      uint32_t since;
    };
    for (const Added& added :
         {Added{cfs_.rolls, kRollsFamily, 3},
          Added{cfs_.roll_requests, kRollRequestsFamily, 3},
          Added{cfs_.roll_persons, kRollPersonsFamily, 3},
          Added{cfs_.events, kEventsFamily, 4}}) {
      if (from >= added.since) continue;
      std::unique_ptr<rocksdb::Iterator> it(
          db_->NewIterator(rocksdb::ReadOptions(), added.family));
      it->SeekToFirst();
      if (it->Valid()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "store at ", options_.path, " has data-format version ", from,
            " but its column family '", added.name,
            "' holds data: damaged or written by another program; refusing "
            "to upgrade it"));
      }
    }
    std::fprintf(stderr,
                 "hedui: upgrading the store's data format from version %u "
                 "to %u (the column families it lacked were created empty)\n",
                 from, kFormatVersion);
    format.set_version(kFormatVersion);
    rocksdb::WriteOptions sync;
    sync.sync = true;
    return FromRocks(
        db_->Put(sync, cfs_.meta, FormatKey(), format.SerializeAsString()),
        absl::StrCat("upgrading the data-format marker from version ", from,
                     " to ", kFormatVersion));
  }
  if (format.version() != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store at ", options_.path, " has data-format version ",
        format.version(), "; this heduid reads and writes version ",
        kFormatVersion, ". Use a heduid release that knows version ",
        format.version(), " (or migrate the data); refusing to open it"));
  }
  return absl::OkStatus();
}

absl::Status RocksStore::LoadLiveGenerations() {
  bool abandoned = false;
  for (int d = 1; d <= kMaxDepartmentNumber; ++d) {
    const auto dept = static_cast<Department>(d);
    auto state = LoadState(dept);
    if (state.ok()) {
      if (state->has_current()) {
        live_->Add(d, static_cast<uint32_t>(state->current().generation()));
      }
      for (const SnapshotInfo& kept : state->retained()) {
        live_->Add(d, static_cast<uint32_t>(kept.generation()));
      }
    } else if (!absl::IsNotFound(state.status())) {
      return state.status();
    }
    PendingGeneration pending;
    absl::Status s = GetMeta(PendingGenerationKey(dept), &pending);
    if (s.ok()) {
      // A crash between ingestion and switch: the files are garbage.
      abandoned = true;
      rocksdb::WriteOptions sync;
      sync.sync = true;
      rocksdb::WriteBatch clear;
      clear.Delete(cfs_.meta, PendingGenerationKey(dept));
      const auto gone = static_cast<uint32_t>(pending.generation());
      for (const auto& [from, to] :
           {DigestRange(dept, gone), ChangedRange(dept, gone)}) {
        clear.DeleteRange(cfs_.meta, from, to);
      }
      if (absl::Status del = FromRocks(db_->Write(sync, &clear),
                                       "clearing an abandoned generation");
          !del.ok()) {
        return del;
      }
    } else if (!absl::IsNotFound(s)) {
      return s;
    }
  }
  live_->MarkLoaded();
  if (abandoned) ScheduleCompaction();
  return absl::OkStatus();
}

absl::Status RocksStore::GetMeta(const std::string& key,
                                 google::protobuf::MessageLite* message,
                                 const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(read, cfs_.meta, key, &value);
  if (s.IsNotFound()) return absl::NotFoundError(key);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", key));
  if (!message->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("metadata ", key, " is corrupt"));
  }
  return absl::OkStatus();
}

absl::StatusOr<DepartmentState> RocksStore::LoadState(Department department) {
  DepartmentState state;
  absl::Status s = GetMeta(DepartmentStateKey(department), &state);
  if (!s.ok()) return s;
  return state;
}

absl::StatusOr<CurrentView> RocksStore::LoadCurrentView(
    const rocksdb::Snapshot* snap) {
  CurrentView view;
  absl::Status s = GetMeta(CurrentViewKey(), &view, snap);
  if (!s.ok() && !absl::IsNotFound(s)) return s;
  return view;
}

absl::Status RocksStore::ValidateHeader(const BatchHeader& header) const {
  if (!ValidDepartment(header.department)) {
    return absl::InvalidArgumentError("department: unknown department");
  }
  if (header.batch_id.empty() || header.batch_id.size() > 128) {
    return absl::InvalidArgumentError("batch_id: must be 1 to 128 characters");
  }
  return absl::OkStatus();
}

absl::Status RocksStore::WriteSstFiles(Department department,
                                       uint32_t generation,
                                       const RecordBatch& records,
                                       std::vector<std::string>* files) {
  const std::string dir = absl::StrCat(options_.path, "/ingest-tmp");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // leftovers of a crashed load
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  }
  // Files cover disjoint key ranges, so they can be written in parallel:
  // one writer per core for large loads.
  const size_t per_file = std::max<size_t>(
      1,
      std::min(options_.max_records_per_sst,
               records.size() / std::max(1, options_.sst_writer_threads) + 1));
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t begin = 0; begin < records.size(); begin += per_file) {
    ranges.emplace_back(begin, std::min(records.size(), begin + per_file));
  }
  std::vector<absl::Status> results(ranges.size());
  auto write_range = [&](size_t r) {
    const std::string file =
        absl::StrCat(dir, "/", department, "-", generation, "-", r, ".sst");
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), sst_options_,
                                  cfs_.records);
    absl::Status s = FromRocks(writer.Open(file), "opening an SST file");
    std::string key;
    for (size_t i = ranges[r].first; s.ok() && i < ranges[r].second; ++i) {
      const RecordView record = records[i];
      key.clear();
      AppendRecordKey(record.person_id, department, generation,
                      record.natural_key, &key);
      s = FromRocks(writer.Put(key, rocksdb::Slice(record.value.data(),
                                                   record.value.size())),
                    "writing an SST");
    }
    if (s.ok()) s = FromRocks(writer.Finish(), "finishing an SST");
    results[r] = s;
  };
  for (size_t first = 0; first < ranges.size();
       first += static_cast<size_t>(options_.sst_writer_threads)) {
    std::vector<std::thread> threads;
    const size_t last =
        std::min(ranges.size(),
                 first + static_cast<size_t>(options_.sst_writer_threads));
    for (size_t r = first + 1; r < last; ++r)
      threads.emplace_back(write_range, r);
    write_range(first);
    for (auto& t : threads) t.join();
  }
  for (size_t r = 0; r < ranges.size(); ++r) {
    if (!results[r].ok()) return results[r];
    files->push_back(
        absl::StrCat(dir, "/", department, "-", generation, "-", r, ".sst"));
  }
  return absl::OkStatus();
}

absl::Status RocksStore::CheckFull(const BatchHeader& header, int64_t rows,
                                   const DepartmentState& state) const {
  if (!state.has_current() || header.force) return absl::OkStatus();
  const std::string dept_name = hedui::v1::Department_Name(header.department);
  if (rows * 2 < state.current().rows()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing the full snapshot of ", dept_name, ": ", rows,
        " rows is under half of the current ", state.current().rows(),
        " (a truncated export would make people look poorer); re-send with "
        "force if the shrink is real"));
  }
  auto current_as_of = FromProto(state.current().as_of(), "as_of");
  if (current_as_of.ok() && header.as_of < *current_as_of) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing the full snapshot of ", dept_name, ": as-of ",
        FormatCivilDay(header.as_of), " is before the current snapshot's ",
        FormatCivilDay(*current_as_of), "; re-send with force if intended"));
  }
  return absl::OkStatus();
}

absl::Status RocksStore::CheckDelta(
    const BatchHeader& header,
    const absl::StatusOr<DepartmentState>& state) const {
  const std::string dept_name = hedui::v1::Department_Name(header.department);
  if (absl::IsNotFound(state.status()) ||
      (state.ok() && !state->has_current())) {
    return absl::FailedPreconditionError(
        absl::StrCat("no full snapshot of ", dept_name,
                     " is loaded yet; load a full snapshot before a delta"));
  }
  if (!state.ok()) return state.status();
  auto current_as_of = FromProto(state->current().as_of(), "as_of");
  if (current_as_of.ok() && header.as_of < *current_as_of && !header.force) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing the delta of ", dept_name, ": as-of ",
        FormatCivilDay(header.as_of), " is before the current data's ",
        FormatCivilDay(*current_as_of)));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RocksStore::ReserveGeneration(
    const BatchHeader& header, DepartmentState* state) {
  // Durable, so that a crash before the switch never leads to the number
  // being reused for different data.
  uint64_t generation = std::max<uint64_t>(state->next_generation(), 1);
  if (generation > UINT32_MAX) {
    return absl::ResourceExhaustedError("generation numbers exhausted");
  }
  state->set_department(header.department);
  state->set_next_generation(generation + 1);
  PendingGeneration pending;
  pending.set_department(header.department);
  pending.set_generation(generation);
  rocksdb::WriteBatch reserve;
  reserve.Put(cfs_.meta, DepartmentStateKey(header.department),
              state->SerializeAsString());
  reserve.Put(cfs_.meta, PendingGenerationKey(header.department),
              pending.SerializeAsString());
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (absl::Status s =
          FromRocks(db_->Write(sync, &reserve), "reserving a generation");
      !s.ok()) {
    return s;
  }
  live_->Add(header.department, static_cast<uint32_t>(generation));
  return generation;
}

SnapshotInfo RocksStore::AddFullSwitch(
    const BatchHeader& header, const DepartmentState& state,
    uint64_t generation, int64_t rows, int64_t now, CurrentView* view,
    rocksdb::WriteBatch* flip,
    std::vector<hedui::store::v1::SwitchRecord>* switches,
    std::vector<uint32_t>* retired) {
  SnapshotInfo info;
  info.set_department(header.department);
  info.set_generation(generation);
  *info.mutable_as_of() = ToProto(header.as_of);
  info.set_batch_id(header.batch_id);
  info.set_rows(rows);
  info.set_ingested_unix_seconds(now);
  info.set_last_batch_id(header.batch_id);

  DepartmentState next = state;
  next.clear_retained();
  if (state.has_current()) *next.add_retained() = state.current();
  for (const SnapshotInfo& kept : state.retained()) *next.add_retained() = kept;
  while (next.retained_size() > options_.retained_snapshots) {
    const auto gone = static_cast<uint32_t>(
        next.retained(next.retained_size() - 1).generation());
    retired->push_back(gone);
    next.mutable_retained()->RemoveLast();
    for (const auto& [from, to] : {DigestRange(header.department, gone),
                                   ChangedRange(header.department, gone)}) {
      flip->DeleteRange(cfs_.meta, from, to);
    }
  }
  *next.mutable_current() = info;
  SetCurrent(*view, info);

  flip->Put(cfs_.meta, DepartmentStateKey(header.department),
            next.SerializeAsString());
  flip->Put(cfs_.meta, BatchKey(header.department, header.batch_id),
            MakeBatchRecord(header, /*delta=*/false, generation, rows, now)
                .SerializeAsString());
  flip->Delete(cfs_.meta, PendingGenerationKey(header.department));
  hedui::store::v1::SwitchRecord& switched = switches->emplace_back();
  switched.set_department(header.department);
  switched.set_previous_generation(
      state.has_current() ? static_cast<uint32_t>(state.current().generation())
                          : 0);
  switched.set_generation(static_cast<uint32_t>(generation));
  switched.set_acknowledged_unix_seconds(now);
  switched.set_batch_id(header.batch_id);
  return info;
}

void RocksStore::AbandonGenerations(
    const std::vector<std::pair<Department, uint32_t>>& reserved) {
  if (reserved.empty()) return;
  // Live for nobody: compacted away. The pending markers go too if the
  // store still takes writes (else at the next open).
  rocksdb::WriteBatch clear;
  for (const auto& [department, generation] : reserved) {
    live_->Remove(department, generation);
    clear.Delete(cfs_.meta, PendingGenerationKey(department));
    for (const auto& [from, to] : {DigestRange(department, generation),
                                   ChangedRange(department, generation)}) {
      clear.DeleteRange(cfs_.meta, from, to);
    }
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  db_->Write(sync, &clear).PermitUncheckedError();
  ScheduleCompaction();
}

absl::StatusOr<ApplyResult> RocksStore::ApplyFullSnapshot(
    const BatchHeader& header, const RecordBatch& records) {
  if (absl::Status s = ValidateHeader(header); !s.ok()) return s;
  if (!records.IsSortedAndUnique()) {
    return absl::InternalError(
        "records handed to the store are not sorted and unique");
  }
  absl::MutexLock writer(&writer_mu_);
  if (absl::Status s = ReadyToWrite(); !s.ok()) return s;
  ApplyResult result;
  auto existing = FindBatch(header.department, header.batch_id);
  if (!existing.ok()) return existing.status();
  auto state_or = LoadState(header.department);
  if (!state_or.ok() && !absl::IsNotFound(state_or.status())) {
    return state_or.status();
  }
  DepartmentState state = state_or.ok() ? *state_or : DepartmentState();
  if (existing->has_value()) {
    result.already_applied = true;
    result.batch = **existing;
    result.current = state.current();
    return result;
  }
  const int64_t rows = static_cast<int64_t>(records.size());
  if (absl::Status s = CheckFull(header, rows, state); !s.ok()) return s;

  // 1. Reserve the generation.
  auto generation = ReserveGeneration(header, &state);
  if (!generation.ok()) return generation.status();

  // 2. Bulk-load the new generation; invisible until the switch. The
  //    changed persons are found on the way (ChangeRecorder).
  const absl::Time recording = absl::Now();
  ChangeRecorder recorder(
      db_.get(), cfs_.meta, header.department,
      state.has_current() ? static_cast<uint32_t>(state.current().generation())
                          : 0,
      static_cast<uint32_t>(*generation));
  absl::Status loaded = recorder.Begin();
  if (loaded.ok()) loaded = recorder.Add(records);
  const double recording_seconds =
      absl::ToDoubleSeconds(absl::Now() - recording);
  std::vector<std::string> files;
  if (loaded.ok()) {
    loaded = WriteSstFiles(header.department,
                           static_cast<uint32_t>(*generation), records, &files);
  }
  if (loaded.ok() && !files.empty()) {
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;
    loaded = FromRocks(db_->IngestExternalFile(cfs_.records, files, ingest),
                       "ingesting SST files");
    if (loaded.ok() && header.department == hedui::v1::HOUSEHOLD_REGISTRATION) {
      std::string index_file;
      loaded = WriteHouseholdIndex(static_cast<uint32_t>(*generation), records,
                                   &index_file);
      if (loaded.ok()) {
        loaded = FromRocks(
            db_->IngestExternalFile(cfs_.households, {index_file}, ingest),
            "ingesting the household index");
      }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(absl::StrCat(options_.path, "/ingest-tmp"), ec);
  if (!loaded.ok()) {
    AfterFailure();
    AbandonGenerations(
        {{header.department, static_cast<uint32_t>(*generation)}});
    return loaded;
  }
  if (options_.before_switch_hook) options_.before_switch_hook();

  // 3. The switch: one synced batch makes the generation current.
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  auto view = LoadCurrentView(nullptr);
  if (!view.ok()) return view.status();
  rocksdb::WriteBatch flip;
  std::vector<hedui::store::v1::SwitchRecord> switches;
  std::vector<uint32_t> retired;
  const SnapshotInfo info = AddFullSwitch(header, state, *generation, rows, now,
                                          &*view, &flip, &switches, &retired);
  if (absl::Status s = recorder.Finish(&flip); !s.ok()) {
    AfterFailure();
    AbandonGenerations(
        {{header.department, static_cast<uint32_t>(*generation)}});
    return s;
  }
  flip.Put(cfs_.meta, CurrentViewKey(), view->SerializeAsString());
  if (absl::Status s =
          AddSwitchRecords(db_.get(), cfs_.meta, std::move(switches), &flip);
      !s.ok()) {
    return s;
  }
  KeepAMemtableEntry();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (absl::Status s = FromRocks(db_->Write(sync, &flip), "switching snapshot");
      !s.ok()) {
    SwitchWriteFailed();
    return s;
  }
  for (uint32_t gen : retired) live_->Remove(header.department, gen);
  if (!retired.empty()) ScheduleCompaction();

  result.batch =
      MakeBatchRecord(header, /*delta=*/false, *generation, rows, now);
  result.current = info;
  result.upserts = rows;
  result.changed_persons = recorder.recorded() ? recorder.changed() : -1;
  result.recording_seconds = recording_seconds;
  return result;
}

absl::Status RocksStore::AddDeltaRows(const BatchHeader& header,
                                      const RecordBatch& records,
                                      DeltaWork* work,
                                      rocksdb::WriteBatch* batch_write) {
  // Existence decides whether an upsert adds a row and a delete removes one,
  // so the row count stays exact.
  std::vector<std::string> keys;
  keys.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const RecordView r = records[i];
    keys.push_back(EncodeRecordKey(r.person_id, header.department,
                                   work->generation, r.natural_key));
  }
  std::vector<rocksdb::Slice> key_slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), cfs_.records, keys.size(),
                key_slices.data(), values.data(), statuses.data());

  const bool registration =
      header.department == hedui::v1::HOUSEHOLD_REGISTRATION;
  const uint32_t generation = work->generation;
  for (size_t i = 0; i < records.size(); ++i) {
    const bool exists = statuses[i].ok();
    if (!exists && !statuses[i].IsNotFound()) {
      return FromRocks(statuses[i], "reading a record for a delta");
    }
    const RecordView record = records[i];
    // What really changes, for the re-verification of roll entries: an
    // upsert equal to the stored row is no change (domain.md §10.1).
    const bool same_row =
        exists && !record.erase &&
        absl::string_view(values[i].data(), values[i].size()) ==
            absl::string_view(record.value.data(), record.value.size());
    if (!same_row && (exists || !record.erase)) {
      work->changed_persons.insert(std::string(record.person_id));
    }
    if (registration) {
      // The household index follows the registration: out of the old
      // household, into the new one.
      hedui::store::v1::HouseholdRegistrationRecord old_record;
      if (exists && old_record.ParseFromArray(
                        values[i].data(), static_cast<int>(values[i].size()))) {
        batch_write->Delete(cfs_.households,
                            EncodeHouseholdKey(old_record.household_number(),
                                               generation, record.person_id));
        if (!same_row) {
          work->changed_households.insert(old_record.household_number());
        }
      }
      hedui::store::v1::HouseholdRegistrationRecord new_record;
      if (!record.erase &&
          new_record.ParseFromArray(record.value.data(),
                                    static_cast<int>(record.value.size()))) {
        batch_write->Put(
            cfs_.households,
            EncodeHouseholdKey(new_record.household_number(), generation,
                               record.person_id),
            rocksdb::Slice(record.value.data(), record.value.size()));
        if (!same_row) {
          work->changed_households.insert(new_record.household_number());
        }
      }
    }
    if (record.erase) {
      ++work->deletions;
      if (exists) {
        --work->rows;
        batch_write->Delete(cfs_.records, keys[i]);
      }
    } else {
      ++work->upserts;
      if (!exists) ++work->rows;
      batch_write->Put(
          cfs_.records, keys[i],
          rocksdb::Slice(record.value.data(), record.value.size()));
    }
  }
  return absl::OkStatus();
}

ApplyResult RocksStore::AddDeltaSwitch(
    const BatchHeader& header, DepartmentState state, DeltaWork work,
    int64_t file_rows, int64_t now, CurrentView* view,
    rocksdb::WriteBatch* batch_write,
    std::vector<hedui::store::v1::SwitchRecord>* switches) {
  SnapshotInfo* current = state.mutable_current();
  current->set_rows(work.rows);
  auto current_as_of = FromProto(current->as_of(), "as_of");
  if (current_as_of.ok() && header.as_of > *current_as_of) {
    *current->mutable_as_of() = ToProto(header.as_of);
  }
  current->set_deltas_applied(current->deltas_applied() + 1);
  current->set_last_batch_id(header.batch_id);

  const BatchRecord batch =
      MakeBatchRecord(header, /*delta=*/true, work.generation, file_rows, now);
  SetCurrent(*view, *current);
  batch_write->Put(cfs_.meta, DepartmentStateKey(header.department),
                   state.SerializeAsString());
  batch_write->Put(cfs_.meta, BatchKey(header.department, header.batch_id),
                   batch.SerializeAsString());
  hedui::store::v1::SwitchRecord& switched = switches->emplace_back();
  switched.set_department(header.department);
  switched.set_delta(true);
  switched.set_previous_generation(work.generation);
  switched.set_generation(work.generation);
  switched.set_acknowledged_unix_seconds(now);
  switched.set_batch_id(header.batch_id);
  std::vector<std::string> persons(work.changed_persons.begin(),
                                   work.changed_persons.end());
  std::sort(persons.begin(), persons.end());
  for (std::string& person : persons) {
    switched.add_changed_persons(std::move(person));
  }
  std::vector<std::string> households(work.changed_households.begin(),
                                      work.changed_households.end());
  std::sort(households.begin(), households.end());
  for (std::string& household : households) {
    switched.add_changed_households(std::move(household));
  }
  ApplyResult result;
  result.batch = batch;
  result.current = *current;
  result.upserts = work.upserts;
  result.deletions = work.deletions;
  return result;
}

absl::StatusOr<ApplyResult> RocksStore::ApplyDelta(const BatchHeader& header,
                                                   const RecordBatch& records) {
  if (absl::Status s = ValidateHeader(header); !s.ok()) return s;
  absl::MutexLock writer(&writer_mu_);
  if (absl::Status s = ReadyToWrite(); !s.ok()) return s;
  auto existing = FindBatch(header.department, header.batch_id);
  if (!existing.ok()) return existing.status();
  auto state_or = LoadState(header.department);
  if (!state_or.ok() || !state_or->has_current()) {
    return CheckDelta(header, state_or);  // no snapshot yet: refused
  }
  if (existing->has_value()) {
    ApplyResult result;
    result.already_applied = true;
    result.batch = **existing;
    result.current = state_or->current();
    return result;
  }
  if (absl::Status s = CheckDelta(header, state_or); !s.ok()) return s;
  DeltaWork work;
  work.generation = static_cast<uint32_t>(state_or->current().generation());
  work.rows = state_or->current().rows();
  rocksdb::WriteBatch batch_write;
  if (absl::Status s = AddDeltaRows(header, records, &work, &batch_write);
      !s.ok()) {
    return s;
  }
  auto view = LoadCurrentView(nullptr);
  if (!view.ok()) return view.status();
  std::vector<hedui::store::v1::SwitchRecord> switches;
  ApplyResult result = AddDeltaSwitch(
      header, *state_or, std::move(work), static_cast<int64_t>(records.size()),
      absl::ToUnixSeconds(absl::Now()), &*view, &batch_write, &switches);
  batch_write.Put(cfs_.meta, CurrentViewKey(), view->SerializeAsString());
  if (absl::Status s = AddSwitchRecords(db_.get(), cfs_.meta,
                                        std::move(switches), &batch_write);
      !s.ok()) {
    return s;
  }
  if (options_.before_switch_hook) options_.before_switch_hook();
  KeepAMemtableEntry();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (absl::Status s =
          FromRocks(db_->Write(sync, &batch_write), "applying a delta");
      !s.ok()) {
    SwitchWriteFailed();
    return s;
  }
  return result;
}

absl::StatusOr<std::vector<ApplyResult>> RocksStore::ApplyJoint(
    const std::vector<JointFile>& files,
    const std::function<void(rocksdb::WriteBatch*)>& also) {
  if (files.empty()) {
    return absl::InvalidArgumentError("feeds: name at least one file");
  }
  absl::MutexLock writer(&writer_mu_);
  if (absl::Status s = ReadyToWrite(); !s.ok()) return s;
  // Every check before anything is loaded: a refusal loads nothing.
  std::vector<DepartmentState> states(files.size());
  absl::flat_hash_set<int> departments;
  for (size_t i = 0; i < files.size(); ++i) {
    const BatchHeader& header = files[i].header;
    if (absl::Status s = ValidateHeader(header); !s.ok()) return s;
    if (!departments.insert(header.department).second) {
      return absl::InvalidArgumentError(
          "feeds: a department may be named once");
    }
    const std::string dept_name = hedui::v1::Department_Name(header.department);
    auto existing = FindBatch(header.department, header.batch_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(dept_name, " batch ", header.batch_id,
                       " is already applied; nothing was switched"));
    }
    auto state = LoadState(header.department);
    if (files[i].delta) {
      if (absl::Status s = CheckDelta(header, state); !s.ok()) return s;
    } else {
      if (!state.ok() && !absl::IsNotFound(state.status())) {
        return state.status();
      }
      if (state.ok()) {
        if (absl::Status s = CheckFull(header, files[i].rows, *state);
            !s.ok()) {
          return s;
        }
      }
    }
    if (state.ok()) states[i] = *std::move(state);
  }

  // Every full snapshot loaded (invisible), every delta's writes prepared:
  // nothing is current yet, so any failure here leaves every department as
  // it was.
  std::vector<std::pair<Department, uint32_t>> reserved;
  std::vector<uint64_t> generations(files.size(), 0);
  std::vector<DeltaWork> deltas(files.size());
  std::vector<std::unique_ptr<ChangeRecorder>> recorders(files.size());
  rocksdb::WriteBatch flip;
  const std::string dir = absl::StrCat(options_.path, "/ingest-tmp");
  auto prepare = [&]() -> absl::Status {
    for (size_t i = 0; i < files.size(); ++i) {
      const JointFile& file = files[i];
      int64_t given = 0;
      if (file.delta) {
        DeltaWork& work = deltas[i];
        work.generation =
            static_cast<uint32_t>(states[i].current().generation());
        work.rows = states[i].current().rows();
        if (absl::Status s = file.source([&](const RecordBatch& rows) {
              given += static_cast<int64_t>(rows.size());
              return AddDeltaRows(file.header, rows, &work, &flip);
            });
            !s.ok()) {
          return s;
        }
      } else {
        auto generation = ReserveGeneration(file.header, &states[i]);
        if (!generation.ok()) return generation.status();
        generations[i] = *generation;
        reserved.emplace_back(file.header.department,
                              static_cast<uint32_t>(*generation));
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        std::filesystem::create_directories(dir, ec);
        if (ec) {
          return absl::InternalError(
              absl::StrCat("cannot create ", dir, ": ", ec.message()));
        }
        GenerationTarget target;
        target.db = db_.get();
        target.records = cfs_.records;
        target.households = cfs_.households;
        target.records_sst = sst_options_;
        target.households_sst = households_sst_options_;
        target.dir = dir;
        target.max_records_per_sst = options_.max_records_per_sst;
        target.household_run_bytes = options_.household_run_bytes;
        StreamedGeneration loading(target, file.header.department,
                                   static_cast<uint32_t>(*generation));
        recorders[i] = std::make_unique<ChangeRecorder>(
            db_.get(), cfs_.meta, file.header.department,
            states[i].has_current()
                ? static_cast<uint32_t>(states[i].current().generation())
                : 0,
            static_cast<uint32_t>(*generation));
        absl::Status s = recorders[i]->Begin();
        if (s.ok()) {
          s = file.source([&](const RecordBatch& rows) {
            given += static_cast<int64_t>(rows.size());
            if (absl::Status added = recorders[i]->Add(rows); !added.ok()) {
              return added;
            }
            return loading.Add(rows);
          });
        }
        if (s.ok() && given == file.rows) s = loading.Ingest();
        std::filesystem::remove_all(dir, ec);
        if (!s.ok()) return s;
      }
      if (given != file.rows) {
        return absl::DataLossError(absl::StrCat(
            hedui::v1::Department_Name(file.header.department), " batch ",
            file.header.batch_id, " gave ", given, " rows of ", file.rows));
      }
      if (options_.before_switch_hook) options_.before_switch_hook();
    }
    return absl::OkStatus();
  };
  if (absl::Status s = prepare(); !s.ok()) {
    AfterFailure();
    AbandonGenerations(reserved);
    return s;
  }

  // The switch: one synced batch for every file.
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  auto view = LoadCurrentView(nullptr);
  if (!view.ok()) {
    AbandonGenerations(reserved);
    return view.status();
  }
  std::vector<ApplyResult> results(files.size());
  std::vector<hedui::store::v1::SwitchRecord> switches;
  std::vector<std::pair<Department, uint32_t>> retired;
  for (size_t i = 0; i < files.size(); ++i) {
    const BatchHeader& header = files[i].header;
    if (files[i].delta) {
      results[i] = AddDeltaSwitch(header, states[i], std::move(deltas[i]),
                                  files[i].rows, now, &*view, &flip, &switches);
      continue;
    }
    std::vector<uint32_t> gone;
    results[i].current =
        AddFullSwitch(header, states[i], generations[i], files[i].rows, now,
                      &*view, &flip, &switches, &gone);
    results[i].batch = MakeBatchRecord(header, /*delta=*/false, generations[i],
                                       files[i].rows, now);
    results[i].upserts = files[i].rows;
    if (absl::Status s = recorders[i]->Finish(&flip); !s.ok()) {
      AfterFailure();
      AbandonGenerations(reserved);
      return s;
    }
    results[i].changed_persons =
        recorders[i]->recorded() ? recorders[i]->changed() : -1;
    for (uint32_t generation : gone) {
      retired.emplace_back(header.department, generation);
    }
  }
  flip.Put(cfs_.meta, CurrentViewKey(), view->SerializeAsString());
  if (absl::Status s =
          AddSwitchRecords(db_.get(), cfs_.meta, std::move(switches), &flip);
      !s.ok()) {
    AbandonGenerations(reserved);
    return s;
  }
  if (also) also(&flip);
  KeepAMemtableEntry();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (absl::Status s =
          FromRocks(db_->Write(sync, &flip), "switching files as one");
      !s.ok()) {
    SwitchWriteFailed();
    AbandonGenerations(reserved);
    return s;
  }
  for (const auto& [department, generation] : retired) {
    live_->Remove(department, generation);
  }
  if (!retired.empty()) ScheduleCompaction();
  return results;
}

void RocksStore::KeepAMemtableEntry() {
  // RocksDB 7.8 replaces a log writer that failed only by switching a
  // memtable that holds something (storage/column_families.cc): a deletion
  // of a key no reader uses, kept out of the log, makes sure `meta`'s does.
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  db_->Delete(memtable_only, cfs_.meta,
              rocksdb::Slice("\xff"
                             "recovered"))
      .PermitUncheckedError();  // if it fails, so does the write after it
}

void RocksStore::AfterFailure() {
  // A write before the switch's (a reservation, an ingestion, recorded
  // digests) may have failed: RocksDB then takes no write at all, not even
  // one kept out of the log, until it is resumed.
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  if (!db_->Delete(memtable_only, cfs_.meta,
                   rocksdb::Slice("\xff"
                                  "recovered"))
           .ok()) {
    SwitchWriteFailed();
  }
}

void RocksStore::SwitchWriteFailed() {
  writes_refused_ = true;
  ForgetFailedWrite();
}

absl::Status RocksStore::ReadyToWrite() {
  if (!writes_refused_) return absl::OkStatus();
  return absl::UnavailableError(
      "a write to the store failed earlier (a full disk?), and this store "
      "takes no department file until heduid is restarted; nothing was "
      "changed");
}

bool RocksStore::ForgetFailedWrite() {
  failed_write_ = true;
  // The failed batch may be whole in the write-ahead log (its sync failed,
  // not its write): were the server to stop now, a restart would replay it.
  // Once the store takes writes again, flushing the families it wrote moves
  // them past that log, so nothing of it ever comes back. Best effort: if
  // the disk is still full, the batch stays whole or absent (all files or
  // none) either way.
  if (!db_->Resume().ok()) return false;
  std::vector<rocksdb::ColumnFamilyHandle*> families = {cfs_.meta, cfs_.records,
                                                        cfs_.households};
  rocksdb::WriteBatch marker;
  for (rocksdb::ColumnFamilyHandle* family : families) {
    // Not a key any reader uses; it only gives the memtable something, so
    // the flush switches away from the log.
    marker.Delete(family, rocksdb::Slice("\xff"
                                         "recovered"));
  }
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  if (!db_->Write(memtable_only, &marker).ok()) return false;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  if (!db_->Flush(flush, families).ok()) return false;
  failed_write_ = false;
  return true;
}

absl::StatusOr<RecordSet> RocksStore::ReadPersons(
    absl::Span<const std::string> person_ids) {
  RecordSet result;
  if (absl::Status s = Read(person_ids, {}, false, &result); !s.ok()) {
    return s;
  }
  return result;
}

absl::Status RocksStore::ReadPersonsInto(
    absl::Span<const std::string> person_ids, RecordSet* out) {
  return Read(person_ids, {}, /*with_households=*/false, out);
}

absl::Status RocksStore::ReadPersonsWithHouseholds(
    absl::Span<const std::string> person_ids, RecordSet* out) {
  return Read(person_ids, {}, /*with_households=*/true, out);
}

absl::StatusOr<RecordSet> RocksStore::ReadPersonsAt(
    absl::Span<const std::string> person_ids,
    absl::Span<const DepartmentAsOf> generations) {
  RecordSet result;
  if (absl::Status s = Read(person_ids, generations, false, &result); !s.ok()) {
    return s;
  }
  return result;
}

absl::Status RocksStore::Read(absl::Span<const std::string> person_ids,
                              absl::Span<const DepartmentAsOf> overrides,
                              bool with_households, RecordSet* result_out) {
  RecordSet& result = *result_out;
  result.Clear();
  for (size_t i = 0; i < person_ids.size(); ++i) {
    if (person_ids[i].size() != kPersonIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("person_ids[", i, "]: a resident ID has 18 characters"));
    }
  }
  // One snapshot for the generation table and every scan: a switch between
  // them cannot mix old and new.
  struct SnapshotGuard {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snap;
    ~SnapshotGuard() { db->ReleaseSnapshot(snap); }
  } guard{db_.get(), db_->GetSnapshot()};

  auto view = LoadCurrentView(guard.snap);
  if (!view.ok()) return view.status();
  std::array<uint32_t, kMaxDepartmentNumber + 1> wanted{};
  for (const auto& dept : view->departments()) {
    const int d = dept.department();
    if (d <= 0 || d > kMaxDepartmentNumber) continue;
    wanted[d] = static_cast<uint32_t>(dept.generation());
    DepartmentAsOf* out = result.add_departments();
    out->set_department(dept.department());
    *out->mutable_as_of() = dept.as_of();
    out->set_generation(dept.generation());
  }
  if (!overrides.empty()) {
    for (const DepartmentAsOf& o : overrides) {
      const int d = o.department();
      if (d <= 0 || d > kMaxDepartmentNumber) {
        return absl::InvalidArgumentError("generations: unknown department");
      }
      DepartmentState state;
      absl::Status s =
          GetMeta(DepartmentStateKey(o.department()), &state, guard.snap);
      if (!s.ok()) return s;
      const SnapshotInfo* found = nullptr;
      if (state.current().generation() == o.generation()) {
        found = &state.current();
      }
      for (const SnapshotInfo& kept : state.retained()) {
        if (kept.generation() == o.generation()) found = &kept;
      }
      if (found == nullptr) {
        return absl::NotFoundError(
            absl::StrCat("generation ", o.generation(), " of ",
                         hedui::v1::Department_Name(o.department()),
                         " is neither current nor retained"));
      }
      wanted[d] = static_cast<uint32_t>(o.generation());
      for (DepartmentAsOf& out : *result.mutable_departments()) {
        if (out.department() == o.department()) {
          *out.mutable_as_of() = found->as_of();
          out.set_generation(o.generation());
        }
      }
    }
  }

  rocksdb::ReadOptions read;
  read.snapshot = guard.snap;
  read.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cfs_.records));
  for (const std::string& id : person_ids) {
    auto* person = result.add_persons();
    person->set_person_id(id);
    for (it->Seek(id); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() < kRecordKeyFixedBytes) continue;
      const int d = static_cast<uint8_t>(key[kPersonIdBytes]);
      if (d > kMaxDepartmentNumber || wanted[d] == kNoGeneration) continue;
      const auto decoded =
          DecodeRecordKey(absl::string_view(key.data(), key.size()));
      if (decoded->generation != wanted[d]) continue;
      const rocksdb::Slice value = it->value();
      if (!AppendRecord(decoded->department,
                        absl::string_view(value.data(), value.size()),
                        person)) {
        return absl::DataLossError(absl::StrCat(
            "a stored ", hedui::v1::Department_Name(decoded->department),
            " record is corrupt"));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning records");
  }
  if (with_households && wanted[hedui::v1::HOUSEHOLD_REGISTRATION] != 0) {
    return ReadHouseholdRegisters(
        guard.snap, wanted[hedui::v1::HOUSEHOLD_REGISTRATION], &result);
  }
  return absl::OkStatus();
}

absl::Status RocksStore::ReadHouseholdRegisters(
    const rocksdb::Snapshot* snapshot, uint32_t generation, RecordSet* result) {
  std::vector<std::string> numbers;
  for (const auto& person : result->persons()) {
    for (const auto& registration : person.household_registration()) {
      const std::string& number = registration.household_number();
      if (std::find(numbers.begin(), numbers.end(), number) == numbers.end()) {
        numbers.push_back(number);
      }
    }
  }
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read, cfs_.households));
  for (const std::string& number : numbers) {
    auto* household = result->add_household_registers();
    household->set_household_number(number);
    const std::string prefix = HouseholdPrefix(number);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      const auto key = DecodeHouseholdKey(
          absl::string_view(it->key().data(), it->key().size()));
      if (!key || key->generation != generation) continue;
      if (!household->add_members()->ParseFromArray(
              it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("a household index entry is corrupt");
      }
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "scanning a household register");
    }
  }
  return absl::OkStatus();
}

absl::Status RocksStore::WriteHouseholdIndex(uint32_t generation,
                                             const RecordBatch& records,
                                             std::string* file) {
  std::vector<std::pair<std::string, size_t>> entries;
  entries.reserve(records.size());
  hedui::store::v1::HouseholdRegistrationRecord registration;
  for (size_t i = 0; i < records.size(); ++i) {
    const RecordView record = records[i];
    if (!registration.ParseFromArray(record.value.data(),
                                     static_cast<int>(record.value.size()))) {
      return absl::InvalidArgumentError(
          "a household registration record does not parse");
    }
    entries.emplace_back(EncodeHouseholdKey(registration.household_number(),
                                            generation, record.person_id),
                         i);
  }
  std::sort(entries.begin(), entries.end());
  *file = absl::StrCat(options_.path, "/ingest-tmp/households-", generation,
                       ".sst");
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), households_sst_options_,
                                cfs_.households);
  absl::Status s = FromRocks(writer.Open(*file), "opening an SST file");
  for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
    const RecordView record = records[entries[i].second];
    s = FromRocks(
        writer.Put(entries[i].first,
                   rocksdb::Slice(record.value.data(), record.value.size())),
        "writing the household index");
  }
  if (s.ok()) s = FromRocks(writer.Finish(), "finishing an SST");
  return s;
}

absl::StatusOr<std::vector<DepartmentState>> RocksStore::ListDepartments() {
  std::vector<DepartmentState> states;
  for (int d = 1; d <= kMaxDepartmentNumber; ++d) {
    auto state = LoadState(static_cast<Department>(d));
    if (absl::IsNotFound(state.status())) continue;
    if (!state.ok()) return state.status();
    if (state->has_current()) states.push_back(*std::move(state));
  }
  return states;
}

absl::StatusOr<std::optional<BatchRecord>> RocksStore::FindBatch(
    Department department, absl::string_view batch_id) {
  BatchRecord batch;
  absl::Status s = GetMeta(BatchKey(department, batch_id), &batch);
  if (absl::IsNotFound(s)) return std::optional<BatchRecord>();
  if (!s.ok()) return s;
  return std::optional<BatchRecord>(batch);
}

absl::Status RocksStore::CompactRetired() {
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  absl::Status s =
      FromRocks(db_->CompactRange(compact, cfs_.records, nullptr, nullptr),
                "compacting retired generations");
  if (!s.ok()) return s;
  return FromRocks(
      db_->CompactRange(compact, cfs_.households, nullptr, nullptr),
      "compacting retired household registers");
}

absl::StatusOr<std::vector<SnapshotInfo>> RocksStore::PurgeRetiredSnapshots(
    absl::Time retired_before, bool dry_run) {
  const int64_t cutoff = absl::ToUnixSeconds(retired_before);
  // Serialized with loads: a switch in between would retire one more.
  absl::MutexLock writer(&writer_mu_);
  std::vector<SnapshotInfo> purged;
  for (int d = 1; d <= kMaxDepartmentNumber; ++d) {
    const auto dept = static_cast<Department>(d);
    absl::StatusOr<DepartmentState> state = LoadState(dept);
    if (absl::IsNotFound(state.status())) continue;
    if (!state.ok()) return state.status();
    // Retained snapshots are newest first; each stopped being current when
    // the one before it in this list (or the current one) was ingested.
    DepartmentState next = *state;
    next.clear_retained();
    std::vector<SnapshotInfo> dropped;
    int64_t retired_at = state->current().ingested_unix_seconds();
    for (const SnapshotInfo& kept : state->retained()) {
      if (retired_at < cutoff) {
        dropped.push_back(kept);
      } else {
        *next.add_retained() = kept;
      }
      retired_at = kept.ingested_unix_seconds();
    }
    if (dropped.empty()) continue;
    if (!dry_run) {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      if (absl::Status s =
              FromRocks(db_->Put(sync, cfs_.meta, DepartmentStateKey(dept),
                                 next.SerializeAsString()),
                        "purging retired snapshots");
          !s.ok()) {
        return s;
      }
      for (const SnapshotInfo& gone : dropped) {
        live_->Remove(d, static_cast<uint32_t>(gone.generation()));
      }
    }
    purged.insert(purged.end(), dropped.begin(), dropped.end());
  }
  if (!dry_run && !purged.empty()) ScheduleCompaction();
  return purged;
}

absl::StatusOr<int64_t> RocksStore::CountRecords(Department department,
                                                 uint32_t generation) {
  auto counts = CountAllRecords();
  if (!counts.ok()) return counts.status();
  auto it = counts->find({static_cast<int>(department), generation});
  return it == counts->end() ? 0 : it->second;
}

absl::StatusOr<std::map<std::pair<int, uint32_t>, int64_t>>
RocksStore::CountAllRecords() {
  std::map<std::pair<int, uint32_t>, int64_t> counts;
  rocksdb::ReadOptions read;
  read.total_order_seek = true;  // a full scan across prefixes
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cfs_.records));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto decoded =
        DecodeRecordKey(absl::string_view(it->key().data(), it->key().size()));
    if (decoded) {
      ++counts[{static_cast<int>(decoded->department), decoded->generation}];
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "counting records");
  return counts;
}

void RocksStore::ScheduleCompaction() {
  absl::MutexLock lock(&compact_mu_);
  compaction_wanted_ = true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  return RocksStore::Open(std::move(options));
}

}  // namespace hedui::storage
