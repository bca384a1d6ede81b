#include "storage/request_ids.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/audit_chain.h"
#include "storage/audit_range.h"
#include "storage/rocks_status.h"
#include "storage/rolls/roll_keys.h"
#include "storage/service_log_keys.h"

namespace hedui::storage {
namespace {

absl::Status WriteSynced(rocksdb::DB* db, rocksdb::WriteBatch* batch) {
  if (batch->Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  absl::Status s = FromRocks(db->Write(sync, batch), "purging request ids");
  batch->Clear();
  return s;
}

}  // namespace

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

absl::StatusOr<std::optional<RequestResult>> FindRequestResult(
    Store::ServiceTables tables, absl::string_view caller,
    absl::string_view request_id) {
  std::string value;
  rocksdb::Status s =
      tables.db->Get(rocksdb::ReadOptions(), tables.roll_requests,
                     RollRequestKey(caller, request_id), &value);
  if (s.IsNotFound()) return std::optional<RequestResult>();
  if (!s.ok()) return FromRocks(s, "reading a request id");
  RequestResult result;
  if (!result.ParseFromString(value)) {
    return absl::DataLossError("the stored result of a request cannot be read");
  }
  return std::optional<RequestResult>(std::move(result));
}

StoreWrite RequestResultWrite(Store::ServiceTables tables,
                              absl::string_view caller,
                              absl::string_view request_id,
                              const RequestResult& result) {
  StoreWrite write;
  write.family = tables.roll_requests;
  write.key = RollRequestKey(caller, request_id);
  write.value = result.SerializeAsString();
  return write;
}

StoreWrite RequestResultNamingReport(Store::ServiceTables tables,
                                     absl::string_view caller,
                                     absl::string_view request_id,
                                     RequestResult result) {
  StoreWrite write;
  write.family = tables.roll_requests;
  write.key = RollRequestKey(caller, request_id);
  write.value_naming_report =
      [result = std::move(result)](absl::string_view report_id) {
        RequestResult named = result;
        named.set_report_id(std::string(report_id));
        return named.SerializeAsString();
      };
  return write;
}

absl::Status LinkRequestReport(Store::ServiceTables tables,
                               absl::string_view caller,
                               absl::string_view request_id,
                               RequestResult result,
                               absl::string_view report_id) {
  result.set_report_id(std::string(report_id));
  return FromRocks(tables.db->Put(rocksdb::WriteOptions(), tables.roll_requests,
                                  RollRequestKey(caller, request_id),
                                  result.SerializeAsString()),
                   "linking a request id to its report");
}

absl::StatusOr<std::optional<std::string>> FindAuditedReport(
    Store::ServiceTables tables, absl::Time from, absl::Time to,
    const std::function<bool(const hedui::v1::AuditEntry&)>& matches) {
  AuditReader reader(tables);
  absl::StatusOr<AuditRange> range =
      reader.Range(absl::ToUnixMicros(from), absl::ToUnixMicros(to));
  if (!range.ok()) return range.status();
  std::optional<std::string> found;
  absl::Status damaged;
  absl::Status read = reader.Read(
      range->first, range->last, 1 << 20, [&](std::vector<std::string>& chunk) {
        hedui::v1::AuditEntry entry;
        for (const std::string& value : chunk) {
          absl::string_view body, mac;
          if (!SplitAuditValue(value, &body, &mac) ||
              !entry.ParseFromArray(body.data(),
                                    static_cast<int>(body.size()))) {
            damaged = absl::DataLossError(
                "an audit entry is damaged; run VerifyAudit");
            return false;
          }
          if (!entry.report_id().empty() && matches(entry)) {
            found = entry.report_id();
            return false;
          }
        }
        return true;
      });
  if (!read.ok()) return read;
  if (!damaged.ok()) return damaged;
  return found;
}

absl::StatusOr<int64_t> PurgeRequestIds(Store::ServiceTables tables,
                                        absl::Time cutoff,
                                        const PurgeBatching& batching) {
  rocksdb::DB* db = tables.db;
  const int64_t before = absl::ToUnixSeconds(cutoff);
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(read, tables.roll_requests));
  int64_t purged = 0;
  int in_batch = 0;
  rocksdb::WriteBatch batch;
  RequestResult result;
  std::string report;
  // Keys carry no time: every result is read (their number is bounded by
  // the calls with ids in one retention period).
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!result.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          "a stored request result is damaged; purge stopped");
    }
    bool expired = result.first_unix_seconds() < before;
    if (!expired && !result.report_id().empty()) {
      rocksdb::Status s = db->Get(rocksdb::ReadOptions(), tables.reports,
                                  ReportKey(result.report_id()), &report);
      if (!s.ok() && !s.IsNotFound()) {
        return FromRocks(s, "reading the report of a request id");
      }
      expired = s.IsNotFound();
    }
    if (!expired) continue;
    ++purged;
    if (batching.dry_run) continue;
    batch.Delete(tables.roll_requests, it->key());
    if (++in_batch == batching.batch_size) {
      if (absl::Status w = WriteSynced(db, &batch); !w.ok()) return w;
      in_batch = 0;
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "purging request ids");
  }
  if (absl::Status w = WriteSynced(db, &batch); !w.ok()) return w;
  if (!batching.dry_run && purged > 0) {
    // A roll call's stored response names its entry's applicant: the
    // deleted values should leave the disk, not only the live key set.
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForceOptimized;
    absl::Status c = FromRocks(
        db->CompactRange(options, tables.roll_requests, nullptr, nullptr),
        "compacting purged request ids");
    if (!c.ok()) return c;
  }
  return purged;
}

}  // namespace hedui::storage
