#include "storage/audit_range.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "hedui/v1/audit.pb.h"
#include "rocksdb/db.h"
#include "storage/audit_chain.h"
#include "storage/rocks_status.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {

AuditReader::AuditReader(Store::ServiceTables tables)
    : tables_(tables), snapshot_(tables.db->GetSnapshot()) {}

AuditReader::~AuditReader() { tables_.db->ReleaseSnapshot(snapshot_); }

absl::StatusOr<uint64_t> AuditReader::Length() {
  absl::StatusOr<End> end = ChainEnd();
  if (!end.ok()) return end.status();
  return end->sequence;
}

absl::StatusOr<AuditReader::End> AuditReader::ChainEnd() {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(read, tables_.audit));
  it->SeekForPrev(AuditEntryKey(~uint64_t{0}));
  End end;
  end.mac = std::string(kAuditMacBytes, '\0');
  if (it->Valid()) {
    std::optional<uint64_t> seq = DecodeAuditEntryKey(
        absl::string_view(it->key().data(), it->key().size()));
    if (seq) {
      absl::string_view body, mac;
      if (!SplitAuditValue(
              absl::string_view(it->value().data(), it->value().size()), &body,
              &mac)) {
        return absl::DataLossError(
            absl::StrCat("audit entry ", *seq, " has no MAC"));
      }
      end.sequence = *seq;
      end.mac = std::string(mac);
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit");
  return end;
}

absl::StatusOr<std::optional<std::string>> AuditReader::MacOf(
    uint64_t sequence) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s =
      tables_.db->Get(read, tables_.audit, AuditEntryKey(sequence), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading an audit entry");
  absl::string_view body, mac;
  if (!SplitAuditValue(value, &body, &mac)) return std::nullopt;
  return std::string(mac);
}

absl::StatusOr<std::string> AuditReader::StoredValue(uint64_t sequence) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s =
      tables_.db->Get(read, tables_.audit, AuditEntryKey(sequence), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat("audit entry ", sequence,
                     " is missing: the chain is broken; run hedui audit "
                     "verify"));
  }
  if (!s.ok()) return FromRocks(s, "reading the audit");
  return value;
}

absl::StatusOr<uint64_t> AuditReader::FirstAtOrAfter(int64_t unix_micros) {
  absl::StatusOr<uint64_t> length = Length();
  if (!length.ok()) return length.status();
  uint64_t low = 1;
  uint64_t high = *length + 1;  // the answer is in [low, high]
  hedui::v1::AuditEntry entry;
  while (low < high) {
    const uint64_t mid = low + (high - low) / 2;
    absl::StatusOr<std::string> value = StoredValue(mid);
    if (!value.ok()) return value.status();
    if (!entry.ParseFromString(*value)) {
      return absl::DataLossError(
          absl::StrCat("audit entry ", mid, " is damaged; run VerifyAudit"));
    }
    if (entry.time_unix_micros() < unix_micros) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

absl::StatusOr<AuditRange> AuditReader::Range(int64_t from_unix_micros,
                                              int64_t to_unix_micros) {
  AuditRange range;
  absl::StatusOr<uint64_t> length = Length();
  if (!length.ok()) return length.status();
  range.chain_length = *length;
  absl::StatusOr<uint64_t> first = FirstAtOrAfter(from_unix_micros);
  if (!first.ok()) return first.status();
  absl::StatusOr<uint64_t> end = to_unix_micros == 0
                                     ? absl::StatusOr<uint64_t>(*length + 1)
                                     : FirstAtOrAfter(to_unix_micros);
  if (!end.ok()) return end.status();
  if (*first >= *end) return range;
  range.first = *first;
  range.last = *end - 1;
  range.anchor_mac = std::string(kAuditMacBytes, '\0');
  if (range.first > 1) {
    absl::StatusOr<std::string> before = StoredValue(range.first - 1);
    if (!before.ok()) return before.status();
    absl::string_view body, mac;
    if (!SplitAuditValue(*before, &body, &mac)) {
      return absl::DataLossError(absl::StrCat("audit entry ", range.first - 1,
                                              " has no MAC; run VerifyAudit"));
    }
    range.anchor_mac = std::string(mac);
  }
  return range;
}

absl::Status AuditReader::Read(
    uint64_t first, uint64_t last, size_t chunk_bytes,
    const std::function<bool(std::vector<std::string>& chunk)>& sink) {
  if (first == 0 || last < first) return absl::OkStatus();
  const std::string upper_key = AuditEntryKey(last + 1);
  const rocksdb::Slice upper(upper_key);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot_;
  read.fill_cache = false;  // an export should not evict the hot entries
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      tables_.db->NewIterator(read, tables_.audit));
  std::vector<std::string> chunk;
  size_t bytes = 0;
  for (it->Seek(AuditEntryKey(first)); it->Valid(); it->Next()) {
    chunk.emplace_back(it->value().data(), it->value().size());
    bytes += it->value().size();
    if (bytes >= chunk_bytes) {
      if (!sink(chunk)) return absl::OkStatus();
      chunk.clear();
      bytes = 0;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit");
  if (!chunk.empty()) sink(chunk);
  return absl::OkStatus();
}

}  // namespace hedui::storage
