#include "storage/feed_hold.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

constexpr char kPrefix[] = "held/";
constexpr char kJointKey[] = "held/joint";
// Rows per chunk value and bytes per unsynced write: a held file of a
// million rows is neither one huge value nor one huge batch.
constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kWriteBytes = 64 << 20;

std::string DepartmentPart(hedui::v1::Department department) {
  return absl::StrFormat("%s%02d", kPrefix, static_cast<int>(department));
}
std::string ForceKey(hedui::v1::Department department) {
  return DepartmentPart(department) + "/force";
}
std::string RowsPrefix(hedui::v1::Department department) {
  return DepartmentPart(department) + "/rows/";
}
std::string RowsKey(hedui::v1::Department department, uint64_t chunk) {
  std::string key = RowsPrefix(department);
  AppendBigEndian64(chunk, &key);
  return key;
}

void AppendLength(size_t n, std::string* out) {
  const auto v = static_cast<uint32_t>(n);
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(bytes, 4);
}

bool ReadLength(absl::string_view* in, size_t* n) {
  if (in->size() < 4) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(in->data());
  *n = (static_cast<uint32_t>(p[0]) << 24) |
       (static_cast<uint32_t>(p[1]) << 16) |
       (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
  in->remove_prefix(4);
  return true;
}

absl::Status WriteSynced(rocksdb::DB* db, rocksdb::WriteBatch* batch, bool sync,
                         const char* what) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db->Write(options, batch), what);
}

}  // namespace

std::string HeldFeedKey(hedui::v1::Department department) {
  return DepartmentPart(department);
}

std::string JointSwitchKey() { return kJointKey; }

absl::Mutex& JointSwitchMutex() {
  static absl::Mutex* const mu = new absl::Mutex();
  return *mu;
}

void AppendHeldRow(const RecordView& row, std::string* chunk) {
  AppendLength(row.person_id.size(), chunk);
  chunk->append(row.person_id.data(), row.person_id.size());
  AppendLength(row.natural_key.size(), chunk);
  chunk->append(row.natural_key.data(), row.natural_key.size());
  AppendLength(row.value.size(), chunk);
  chunk->append(row.value.data(), row.value.size());
  chunk->push_back(row.erase ? 1 : 0);
}

absl::Status DecodeHeldRows(absl::string_view chunk, RecordBatch* out) {
  while (!chunk.empty()) {
    absl::string_view parts[3];
    for (absl::string_view& part : parts) {
      size_t n = 0;
      if (!ReadLength(&chunk, &n) || chunk.size() < n) {
        return absl::DataLossError("a held feed's rows are damaged");
      }
      part = chunk.substr(0, n);
      chunk.remove_prefix(n);
    }
    if (chunk.empty() || parts[0].size() != kPersonIdBytes) {
      return absl::DataLossError("a held feed's rows are damaged");
    }
    const bool erase = chunk[0] != 0;
    chunk.remove_prefix(1);
    out->Add(parts[0], parts[1], parts[2], 0, erase);
  }
  return absl::OkStatus();
}

absl::Status FeedHoldStore::Hold(const HeldFile& held,
                                 const RecordBatch& records) {
  const hedui::v1::Department department = held.feed.department();
  rocksdb::WriteBatch batch;
  // Leftovers of a hold that never finished (or of one dropped) go first.
  const std::string first = DepartmentPart(department) + "/";
  batch.DeleteRange(tables_.meta, first, DepartmentPart(department) + "0");
  batch.Delete(tables_.meta, HeldFeedKey(department));
  std::string chunk;
  uint64_t chunks = 0;
  size_t pending = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    AppendHeldRow(records[i], &chunk);
    if (chunk.size() >= kChunkBytes || i + 1 == records.size()) {
      batch.Put(tables_.meta, RowsKey(department, chunks++), chunk);
      pending += chunk.size();
      chunk.clear();
      if (pending >= kWriteBytes) {
        if (absl::Status s =
                WriteSynced(tables_.db, &batch, false, "holding a feed");
            !s.ok()) {
          return s;
        }
        batch.Clear();
        pending = 0;
      }
    }
  }
  if (held.force) batch.Put(tables_.meta, ForceKey(department), "1");
  // Last, and synced: the WAL's sync covers the earlier writes too.
  batch.Put(tables_.meta, HeldFeedKey(department),
            held.feed.SerializeAsString());
  return WriteSynced(tables_.db, &batch, true, "holding a feed");
}

absl::StatusOr<std::optional<HeldFile>> FeedHoldStore::Find(
    hedui::v1::Department department) const {
  std::string value;
  rocksdb::Status got = tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                                        HeldFeedKey(department), &value);
  if (got.IsNotFound()) return std::optional<HeldFile>();
  if (!got.ok()) return FromRocks(got, "reading a held feed");
  HeldFile held;
  if (!held.feed.ParseFromString(value)) {
    return absl::DataLossError("a held feed's header does not parse");
  }
  std::string force;
  got = tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                        ForceKey(department), &force);
  if (!got.ok() && !got.IsNotFound()) {
    return FromRocks(got, "reading a held feed");
  }
  held.force = got.ok() && force == "1";
  return std::optional<HeldFile>(std::move(held));
}

absl::StatusOr<std::vector<HeldFile>> FeedHoldStore::List() const {
  std::vector<HeldFile> held;
  for (int d = 1; d <= 13; ++d) {
    auto found = Find(static_cast<hedui::v1::Department>(d));
    if (!found.ok()) return found.status();
    if (found->has_value()) held.push_back(**std::move(found));
  }
  return held;
}

absl::StatusOr<RecordBatch> FeedHoldStore::LoadRecords(
    hedui::v1::Department department) const {
  RecordBatch records;
  const std::string prefix = RowsPrefix(department);
  rocksdb::ReadOptions read;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(read, tables_.meta));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (absl::Status s = DecodeHeldRows(
            absl::string_view(it->value().data(), it->value().size()),
            &records);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = FromRocks(it->status(), "reading a held feed");
      !s.ok()) {
    return s;
  }
  // Written in sorted order; Sort() only confirms it.
  records.Sort();
  return records;
}

RowSource FeedHoldStore::Rows(hedui::v1::Department department) const {
  return [tables = tables_, department](const RowSink& sink) -> absl::Status {
    const std::string prefix = RowsPrefix(department);
    rocksdb::ReadOptions read;
    read.total_order_seek = true;
    read.fill_cache = false;  // read once, then dropped
    std::unique_ptr<rocksdb::Iterator> it(
        tables.db->NewIterator(read, tables.meta));
    std::string last;  // person ID and natural key of the previous chunk's end
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      RecordBatch rows;
      if (absl::Status s = DecodeHeldRows(
              absl::string_view(it->value().data(), it->value().size()), &rows);
          !s.ok()) {
        return s;
      }
      if (rows.empty()) continue;
      const RecordView first = rows[0];
      std::string first_key(first.person_id);
      first_key.append(first.natural_key.data(), first.natural_key.size());
      if (!rows.IsSortedAndUnique() || (!last.empty() && first_key <= last)) {
        return absl::DataLossError("a held feed's rows are out of order");
      }
      const RecordView end = rows[rows.size() - 1];
      last.assign(end.person_id.data(), end.person_id.size());
      last.append(end.natural_key.data(), end.natural_key.size());
      if (absl::Status s = sink(rows); !s.ok()) return s;
    }
    return FromRocks(it->status(), "reading a held feed");
  };
}

void FeedHoldStore::AddDrop(
    const std::vector<hedui::v1::Department>& departments,
    rocksdb::WriteBatch* batch) const {
  for (hedui::v1::Department department : departments) {
    batch->Delete(tables_.meta, HeldFeedKey(department));
    batch->DeleteRange(tables_.meta, DepartmentPart(department) + "/",
                       DepartmentPart(department) + "0");
  }
  batch->Delete(tables_.meta, JointSwitchKey());
}

absl::Status FeedHoldStore::Drop(hedui::v1::Department department) {
  rocksdb::WriteBatch batch;
  batch.Delete(tables_.meta, HeldFeedKey(department));
  batch.DeleteRange(tables_.meta, DepartmentPart(department) + "/",
                    DepartmentPart(department) + "0");
  return WriteSynced(tables_.db, &batch, true, "dropping a held feed");
}

absl::StatusOr<std::optional<hedui::v1::ConfirmHeldFeedsRequest>>
FeedHoldStore::FindJoint() const {
  std::string value;
  rocksdb::Status got = tables_.db->Get(rocksdb::ReadOptions(), tables_.meta,
                                        JointSwitchKey(), &value);
  if (got.IsNotFound()) {
    return std::optional<hedui::v1::ConfirmHeldFeedsRequest>();
  }
  if (!got.ok()) return FromRocks(got, "reading a joint switch");
  hedui::v1::ConfirmHeldFeedsRequest files;
  if (!files.ParseFromString(value)) {
    return absl::DataLossError("a joint switch's marker does not parse");
  }
  return std::optional<hedui::v1::ConfirmHeldFeedsRequest>(std::move(files));
}

absl::Status FeedHoldStore::FinishJoint(
    const std::vector<hedui::v1::Department>& departments) {
  rocksdb::WriteBatch batch;
  for (hedui::v1::Department department : departments) {
    batch.Delete(tables_.meta, HeldFeedKey(department));
    batch.DeleteRange(tables_.meta, DepartmentPart(department) + "/",
                      DepartmentPart(department) + "0");
  }
  batch.Delete(tables_.meta, JointSwitchKey());
  return WriteSynced(tables_.db, &batch, true, "finishing a joint switch");
}

}  // namespace hedui::storage
