#ifndef HEDUI_STORAGE_SWITCH_LOG_H_
#define HEDUI_STORAGE_SWITCH_LOG_H_

// What department files changed, for the re-verification of roll entries
// (domain.md §10.1 "Triggers and dates"). The store writes a SwitchRecord in
// the synced batch of every switch and delta, so an acknowledged file always
// leaves one behind, even if the server dies the next instant; the
// re-verification runner turns the pending records into a durable job and
// deletes them in the same batch. Changed persons of a full snapshot are
// recorded by the store while it loads the snapshot (it compares per-person
// digests of the two generations, never the records of a person twice);
// when the previous generation predates the digests they are found by
// comparing the two generations person by person, only for the persons a
// roll names (the roll person index).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hedui/store/v1/meta.pb.h"
#include "hedui/v1/codes.pb.h"
#include "storage/store.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace hedui::storage {

// `meta` keys (storage/FORMAT.md, format 4).
std::string SwitchRecordKey(uint64_t sequence);
std::string SwitchRecordPrefix();
std::string NextSwitchSequenceKey();
std::string ReverificationJobKey(uint64_t id);
std::string ReverificationCursorKey(uint64_t id);
std::string ReverificationJobPrefix();
std::string NextReverificationJobKey();

// Adds `record` (its sequence assigned here, from the `meta` counter read
// in the same writer's turn) to the batch of a switch or a delta. Called
// under the store's writer lock.
absl::Status AddSwitchRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
                             hedui::store::v1::SwitchRecord record,
                             rocksdb::WriteBatch* batch);
// Several records in one batch (a joint switch), numbered one after another
// in their order.
absl::Status AddSwitchRecords(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
    std::vector<hedui::store::v1::SwitchRecord> records,
    rocksdb::WriteBatch* batch);

// Switch records not yet taken up, oldest first.
absl::StatusOr<std::vector<hedui::store::v1::SwitchRecord>> PendingSwitches(
    Store::ServiceTables tables);

// Of `persons` (validated IDs), those whose rows of `department` differ
// between the two generations: a row added, removed, or with another value
// (row order or a new as-of date alone is no change). Sorted. Read from
// what the store recorded while it loaded `generation` when it could
// (storage/joint_switch.h, ChangeRecorder), else by comparing the two
// generations person by person.
absl::StatusOr<std::vector<std::string>> PersonsChangedBetween(
    Store::ServiceTables tables, hedui::v1::Department department,
    uint32_t previous_generation, uint32_t generation,
    absl::Span<const std::string> persons);

// Of `households` (household numbers), those whose register differs between
// the two registration generations (a person in or out, or a row changed).
absl::StatusOr<std::vector<std::string>> HouseholdsChangedBetween(
    Store::ServiceTables tables, uint32_t previous_generation,
    uint32_t generation, absl::Span<const std::string> households);

// Whether a generation of a department is still readable: the current one or
// a retained one. A job whose previous generation has been retired compares
// nothing and re-verifies every entry instead.
absl::StatusOr<bool> GenerationKept(Store* store,
                                    hedui::v1::Department department,
                                    uint32_t generation);

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_SWITCH_LOG_H_
