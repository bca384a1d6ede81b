#include "storage/switch_log.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/joint_switch.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

using hedui::store::v1::SwitchRecord;

std::string WithNumber(absl::string_view prefix, uint64_t number) {
  std::string key(prefix);
  AppendBigEndian64(number, &key);
  return key;
}

// The rows of one person, department and generation: (natural key, value),
// in key order.
absl::Status RowsOf(rocksdb::Iterator* it, absl::string_view prefix,
                    std::vector<std::pair<std::string, std::string>>* rows) {
  rows->clear();
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() &&
       it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    rows->emplace_back(it->key().ToString().substr(prefix.size()),
                       it->value().ToString());
  }
  return FromRocks(it->status(), "comparing generations");
}

}  // namespace

std::string SwitchRecordPrefix() { return "switch/"; }
std::string SwitchRecordKey(uint64_t sequence) {
  return WithNumber(SwitchRecordPrefix(), sequence);
}
std::string NextSwitchSequenceKey() { return "switch_next"; }
std::string ReverificationJobPrefix() { return "reverify/"; }
std::string ReverificationJobKey(uint64_t id) {
  return WithNumber(ReverificationJobPrefix(), id);
}
std::string ReverificationCursorKey(uint64_t id) {
  return ReverificationJobKey(id) + "/cursor";
}
std::string NextReverificationJobKey() { return "reverify_next"; }

absl::Status AddSwitchRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
                             SwitchRecord record, rocksdb::WriteBatch* batch) {
  std::vector<SwitchRecord> records;
  records.push_back(std::move(record));
  return AddSwitchRecords(db, meta, std::move(records), batch);
}

absl::Status AddSwitchRecords(rocksdb::DB* db,
                              rocksdb::ColumnFamilyHandle* meta,
                              std::vector<SwitchRecord> records,
                              rocksdb::WriteBatch* batch) {
  std::string next;
  uint64_t sequence = 1;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), meta, NextSwitchSequenceKey(), &next);
  if (s.ok() && next.size() == 8) {
    sequence = ReadBigEndian64(next);
  } else if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, "reading the switch sequence");
  }
  for (SwitchRecord& record : records) {
    record.set_sequence(sequence);
    batch->Put(meta, SwitchRecordKey(sequence), record.SerializeAsString());
    ++sequence;
  }
  std::string raised;
  AppendBigEndian64(sequence, &raised);
  batch->Put(meta, NextSwitchSequenceKey(), raised);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SwitchRecord>> PendingSwitches(
    Store::ServiceTables tables) {
  std::vector<SwitchRecord> pending;
  const std::string prefix = SwitchRecordPrefix();
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(rocksdb::ReadOptions(), tables.meta));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    SwitchRecord record;
    if (!record.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a switch record does not parse (key ",
                       it->key().ToString(/*hex=*/true), ")"));
    }
    pending.push_back(std::move(record));
  }
  if (absl::Status s = FromRocks(it->status(), "reading switch records");
      !s.ok()) {
    return s;
  }
  return pending;
}

absl::StatusOr<std::vector<std::string>> PersonsChangedBetween(
    Store::ServiceTables tables, hedui::v1::Department department,
    uint32_t previous_generation, uint32_t generation,
    absl::Span<const std::string> persons) {
  std::vector<std::string> changed;
  // Recorded while the snapshot loaded (storage/joint_switch.h): no second
  // look at the records.
  auto recorded = RecordedChanges(tables.db, tables.meta, department,
                                  previous_generation, generation);
  if (!recorded.ok()) return recorded.status();
  if (recorded->has_value()) {
    const std::vector<std::string>& all = **recorded;  // sorted
    for (const std::string& person : persons) {
      if (std::binary_search(all.begin(), all.end(), person)) {
        changed.push_back(person);
      }
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    return changed;
  }
  const rocksdb::Snapshot* snapshot = tables.db->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.prefix_same_as_start = true;  // one person at a time
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(read, tables.records));
  std::vector<std::pair<std::string, std::string>> before;
  std::vector<std::pair<std::string, std::string>> after;
  absl::Status status;
  for (const std::string& person : persons) {
    if (person.size() != kPersonIdBytes) continue;
    status = RowsOf(
        it.get(), EncodeRecordKey(person, department, previous_generation, ""),
        &before);
    if (!status.ok()) break;
    status = RowsOf(
        it.get(), EncodeRecordKey(person, department, generation, ""), &after);
    if (!status.ok()) break;
    if (before != after) changed.push_back(person);
  }
  it.reset();
  tables.db->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return changed;
}

absl::StatusOr<std::vector<std::string>> HouseholdsChangedBetween(
    Store::ServiceTables tables, uint32_t previous_generation,
    uint32_t generation, absl::Span<const std::string> households) {
  std::vector<std::string> changed;
  const rocksdb::Snapshot* snapshot = tables.db->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(
      tables.db->NewIterator(read, tables.households));
  std::vector<std::pair<std::string, std::string>> before;
  std::vector<std::pair<std::string, std::string>> after;
  absl::Status status;
  for (const std::string& household : households) {
    if (household.empty()) continue;
    status =
        RowsOf(it.get(), EncodeHouseholdKey(household, previous_generation, ""),
               &before);
    if (!status.ok()) break;
    status =
        RowsOf(it.get(), EncodeHouseholdKey(household, generation, ""), &after);
    if (!status.ok()) break;
    if (before != after) changed.push_back(household);
  }
  it.reset();
  tables.db->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  std::sort(changed.begin(), changed.end());
  return changed;
}

absl::StatusOr<bool> GenerationKept(Store* store,
                                    hedui::v1::Department department,
                                    uint32_t generation) {
  if (generation == 0) return true;  // the department's first file: no rows
  auto states = store->ListDepartments();
  if (!states.ok()) return states.status();
  for (const hedui::store::v1::DepartmentState& state : *states) {
    if (state.department() != department) continue;
    if (state.current().generation() == generation) return true;
    for (const auto& kept : state.retained()) {
      if (kept.generation() == generation) return true;
    }
  }
  return false;
}

}  // namespace hedui::storage
