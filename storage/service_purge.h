#ifndef HEDUI_STORAGE_SERVICE_PURGE_H_
#define HEDUI_STORAGE_SERVICE_PURGE_H_

// Deleting expired service data (storage/FORMAT.md, "Retention"): reports
// with every index entry that points at them, change events, ended roll
// entries with their indexes, and the audit's person index.
// Audit entries are never deleted here: the chain must stay verifiable.

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace hedui::storage {

struct PurgeBatching {
  // Reports (or index keys) per synced WriteBatch. Each report goes whole in
  // one batch (report, summary, program, date and person keys), so no reader
  // ever sees half of one; reports are independent of each other.
  int batch_size = 1000;
  bool dry_run = false;  // count only
};

// Deletes the reports whose verification date is before `before_yyyymmdd`
// (e.g. 20251101), except those an active roll entry rests on (kept
// whatever their age), and returns how many there were. Keeps the highest
// deleted report number (ReportNumberFloorKey) in the same batches, so ids
// are never reused.
// The highest report number a purge deleted (0: none); DATA_LOSS when the
// stored value is malformed. Numbering resumes above it.
absl::StatusOr<uint64_t> ReadReportNumberFloor(Store::ServiceTables tables);

absl::StatusOr<int64_t> PurgeReports(Store::ServiceTables tables,
                                     uint32_t before_yyyymmdd,
                                     const PurgeBatching& batching);

// Deletes the change events that occurred before `before_yyyymmdd`, each
// whole with its index entries (storage/events/event_keys.h), and the
// refused re-verifications counted on those days; returns how many events
// there were. Keeps the highest deleted event number (EventNumberFloorKey)
// in the same batches, so numbers are never reused and a watcher resuming
// below it is told it missed purged events.
absl::StatusOr<int64_t> PurgeEvents(Store::ServiceTables tables,
                                    uint32_t before_yyyymmdd,
                                    const PurgeBatching& batching);

// Deletes the roll entries that ended (withdrawn or replaced) before
// `before_yyyymmdd` (domain.md §10: ended entries are kept for the
// retention period), found by their end day ('x' keys,
// storage/rolls/roll_keys.h). Each entry goes whole in one batch with every
// key that names it: its roll-list and end-day keys, and, should any have
// survived its end, its report key, its person-index rows and the
// duplicate pairs it is in (both orders). Active entries are never touched,
// and the reports they rest on stay (PurgeReports). Keeps the highest
// deleted entry number (RollNumberFloorKey) in the same batches, so entry
// ids are never reused. Returns how many entries there were.
absl::StatusOr<int64_t> PurgeRollEntries(Store::ServiceTables tables,
                                         uint32_t before_yyyymmdd,
                                         const PurgeBatching& batching);

// Drops the person-index keys of audit entries 1..through_sequence (the
// entries themselves stay) and returns how many there were.
absl::StatusOr<int64_t> DropAuditPersonIndex(Store::ServiceTables tables,
                                             uint64_t through_sequence,
                                             const PurgeBatching& batching);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_SERVICE_PURGE_H_
