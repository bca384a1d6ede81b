#ifndef HEDUI_STORAGE_FEED_HOLD_H_
#define HEDUI_STORAGE_FEED_HOLD_H_

// Department files held before their switch (domain.md §10.1 "Preview and
// hold"): a file whose effect on a roll passes the configured share is kept
// whole, parsed, in the `meta` family until an operator confirms or
// discards it, and survives a restart. At most one per department: while
// one is held, later files of that department are refused.
//
// Keys (storage/FORMAT.md, "Held feeds"):
//   held/NN              hedui.v1.HeldFeed (NN: department number, 2 digits)
//   held/NN/force        "1" when the file was sent with force
//   held/NN/rows/<BE64>  a chunk of the file's rows, in file order
//   held/joint           hedui.v1.ConfirmHeldFeedsRequest: a joint switch of
//                        these files was under way when an older heduid
//                        stopped (it switched them one at a time)
// The rows are written first, the header last in a synced write: a header
// is never there without all its rows, and rows without a header (a crash
// while holding) are dropped when the department's next file is held.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hedui/v1/admin.pb.h"
#include "storage/record_batch.h"
#include "storage/store.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace hedui::storage {

std::string HeldFeedKey(hedui::v1::Department department);
std::string JointSwitchKey();

// Several held files switched as one (ConfirmHeldFeeds, domain.md §10.1:
// one re-verification pass for a day's deliveries) are one synced write
// (Store::ApplyJoint): their switch records appear together or not at all.
// Only a joint switch left unfinished by an older heduid (the `held/joint`
// marker) is finished file by file; it holds this lock exclusively while it
// does, and the re-verification runner holds it shared while it reads the
// marker and the pending switch records, so it takes up none of those
// files alone. Process-wide because the store has one writer process.
absl::Mutex& JointSwitchMutex();

struct HeldFile {
  hedui::v1::HeldFeed feed;
  bool force = false;
};

// Encodes and decodes one chunk of rows (exposed for tests).
void AppendHeldRow(const RecordView& row, std::string* chunk);
absl::Status DecodeHeldRows(absl::string_view chunk, RecordBatch* out);

class FeedHoldStore {
 public:
  explicit FeedHoldStore(Store::ServiceTables tables) : tables_(tables) {}

  // Durable when it returns. Replaces whatever the department had held.
  absl::Status Hold(const HeldFile& held, const RecordBatch& records);
  // Every held file, by department.
  absl::StatusOr<std::vector<HeldFile>> List() const;
  absl::StatusOr<std::optional<HeldFile>> Find(
      hedui::v1::Department department) const;
  // The rows as they were held (sorted, as the ingest left them).
  absl::StatusOr<RecordBatch> LoadRecords(
      hedui::v1::Department department) const;
  // The held rows piece by piece, one stored chunk (about 1 MiB) at a time,
  // in order, from one consistent view: a confirmation streams them into the
  // store instead of reading the file into memory whole. DATA_LOSS when a
  // chunk is damaged or out of order.
  RowSource Rows(hedui::v1::Department department) const;
  // Drops the held file and its rows, synced.
  absl::Status Drop(hedui::v1::Department department);
  // Adds the drop of these departments' held files, and of a joint marker,
  // to `batch`: a confirmation drops them in the write that switches them.
  void AddDrop(const std::vector<hedui::v1::Department>& departments,
               rocksdb::WriteBatch* batch) const;

  // A joint switch under way, or none. Only a store written by an older
  // heduid has one (it switched the files one by one under this marker); a
  // joint switch is now one write and leaves no marker.
  absl::StatusOr<std::optional<hedui::v1::ConfirmHeldFeedsRequest>> FindJoint()
      const;
  // Drops these departments' held files and the joint marker in one synced
  // write: the joint switch is over.
  absl::Status FinishJoint(
      const std::vector<hedui::v1::Department>& departments);

 private:
  Store::ServiceTables tables_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_FEED_HOLD_H_
