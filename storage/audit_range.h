#ifndef HEDUI_STORAGE_AUDIT_RANGE_H_
#define HEDUI_STORAGE_AUDIT_RANGE_H_

// Reading a stretch of the audit chain as stored, for an export that is
// checked away from the server, and finding where a time falls in the chain
// (storage/FORMAT.md, "audit").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace rocksdb {
class Snapshot;
}  // namespace rocksdb

namespace hedui::storage {

struct AuditRange {
  // Contiguous; both 0 when no entry falls in the time range.
  uint64_t first = 0;
  uint64_t last = 0;
  // The mac of entry first - 1 (32 zero bytes for entry 1): what the first
  // entry must name as its previous_mac.
  std::string anchor_mac;
  uint64_t chain_length = 0;
};

// Every read sees the chain as it was when the reader was made (one RocksDB
// snapshot), so a range and its entries agree while calls keep appending.
// Not thread-safe; the store must outlive it.
class AuditReader {
 public:
  explicit AuditReader(Store::ServiceTables tables);
  ~AuditReader();
  AuditReader(const AuditReader&) = delete;
  AuditReader& operator=(const AuditReader&) = delete;

  // The last sequence in the snapshot (0: empty chain).
  absl::StatusOr<uint64_t> Length();

  // The last entry's sequence and mac (0 and 32 zero bytes: empty chain);
  // DATA_LOSS when the last entry has no mac.
  struct End {
    uint64_t sequence = 0;
    std::string mac;
  };
  absl::StatusOr<End> ChainEnd();

  // The stored mac of entry `sequence`; nullopt when the entry is missing
  // or has no mac.
  absl::StatusOr<std::optional<std::string>> MacOf(uint64_t sequence);

  // The first sequence whose entry's time is at or after `unix_micros`
  // (Length() + 1 when none). A binary search: entry times ascend with the
  // sequence, up to the microseconds by which calls committed together can
  // differ, which no retention period or export range cares about.
  absl::StatusOr<uint64_t> FirstAtOrAfter(int64_t unix_micros);

  // The entries with a time in [from, to) (to 0: no end).
  absl::StatusOr<AuditRange> Range(int64_t from_unix_micros,
                                   int64_t to_unix_micros);

  // The stored values of entries first..last in order, handed to `sink` in
  // chunks of about `chunk_bytes`; a sink returning false stops the read. A
  // missing entry is not filled in: the checker of the export reports it.
  absl::Status Read(
      uint64_t first, uint64_t last, size_t chunk_bytes,
      const std::function<bool(std::vector<std::string>& chunk)>& sink);

 private:
  absl::StatusOr<std::string> StoredValue(uint64_t sequence);

  Store::ServiceTables tables_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace hedui::storage

#endif  // HEDUI_STORAGE_AUDIT_RANGE_H_
