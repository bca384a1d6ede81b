#include "server/metrics/ops_collectors.h"

#include <cstdint>
#include <memory>

#include "absl/time/clock.h"
#include "hedui/v1/codes.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/statistics.h"

namespace hedui::server::metrics {
namespace {

void WriteCalls(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  out.Declare("hedui_calls_in_flight",
              "Verify and VerifyBatch calls being served now (the calls "
              "max-in-flight limits)");
  out.Sample("hedui_calls_in_flight", status.calls_in_flight());
  out.DeclareCounter("hedui_calls_refused_overload_total",
                     "Calls refused with RESOURCE_EXHAUSTED since start (in "
                     "flight at the limit)");
  out.Sample("hedui_calls_refused_overload_total",
             static_cast<double>(status.calls_refused_overload()));
}

void WriteDepartments(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  out.Declare("hedui_department_data_age_days",
              "Days since the as-of date of each department's current data");
  for (const auto& age : status.departments()) {
    if (!age.present()) continue;
    out.Sample("hedui_department_data_age_days", {"department"},
               {hedui::v1::Department_Name(age.department())}, age.age_days());
  }
  out.Declare("hedui_department_data_max_age_days",
              "The policy's maximum age of each department's data (older is "
              "stale: verifications needing it come out unknown)");
  for (const auto& age : status.departments()) {
    if (age.max_age_days() <= 0) continue;
    out.Sample("hedui_department_data_max_age_days", {"department"},
               {hedui::v1::Department_Name(age.department())},
               age.max_age_days());
  }
}

void WriteAudit(const hedui::v1::ServerStatus& status, GaugeWriter& out) {
  out.Declare("hedui_audit_chain_length", "Entries in the audit chain");
  out.Sample("hedui_audit_chain_length",
             static_cast<double>(status.audit_chain_length()));
  if (status.audit_chain_intact() < 0) return;
  out.Declare("hedui_audit_chain_intact",
              "1 when the last check of the whole audit chain (MACs, "
              "sequence, head file) found it intact, 0 when broken");
  out.Sample("hedui_audit_chain_intact", status.audit_chain_intact());
  out.Declare("hedui_audit_chain_checked_timestamp_seconds",
              "When the audit chain was last checked (Unix time)");
  out.Sample("hedui_audit_chain_checked_timestamp_seconds",
             static_cast<double>(status.audit_checked_unix_seconds()));
}

void WriteCertificates(const hedui::v1::ServerStatus& status,
                       GaugeWriter& out) {
  if (status.certificates().empty()) return;
  out.Declare("hedui_certificate_not_after_timestamp_seconds",
              "When each certificate heduid uses expires (Unix time)");
  for (const auto& cert : status.certificates()) {
    if (!cert.problem().empty()) continue;
    out.Sample("hedui_certificate_not_after_timestamp_seconds", {"certificate"},
               {cert.name()},
               static_cast<double>(cert.not_after_unix_seconds()));
  }
  out.Declare("hedui_certificate_expiring_soon",
              "1 when the certificate expires within the warning period");
  for (const auto& cert : status.certificates()) {
    out.Sample("hedui_certificate_expiring_soon", {"certificate"},
               {cert.name()}, cert.expiring_soon() ? 1 : 0);
  }
}

void WriteRocksDb(storage::Store& store, GaugeWriter& out) {
  rocksdb::DB* db = store.service_tables().db;
  uint64_t value = 0;
  out.Declare("hedui_rocksdb_pending_compaction_bytes",
              "Bytes RocksDB estimates compaction still has to rewrite");
  if (db->GetAggregatedIntProperty(
          rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &value)) {
    out.Sample("hedui_rocksdb_pending_compaction_bytes",
               static_cast<double>(value));
  }
  out.Declare("hedui_rocksdb_live_data_bytes",
              "Estimated size of the live data in the store");
  if (db->GetAggregatedIntProperty(
          rocksdb::DB::Properties::kEstimateLiveDataSize, &value)) {
    out.Sample("hedui_rocksdb_live_data_bytes", static_cast<double>(value));
  }
  const std::shared_ptr<rocksdb::Statistics> stats =
      db->GetDBOptions().statistics;
  if (stats == nullptr) return;
  const double hits =
      static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_HIT));
  const double misses =
      static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_MISS));
  out.Declare("hedui_rocksdb_block_cache_hit_ratio",
              "Block-cache hits over lookups since start");
  out.Sample("hedui_rocksdb_block_cache_hit_ratio",
             hits + misses > 0 ? hits / (hits + misses) : 0);
}

}  // namespace

void AddOpsCollectors(Registry& registry, OpsSources sources) {
  registry.AddCollector([s = std::move(sources)](GaugeWriter& out) {
    const hedui::v1::ServerStatus status = ReadServerStatus(s, absl::Now());
    WriteCalls(status, out);
    WriteDepartments(status, out);
    WriteAudit(status, out);
    WriteCertificates(status, out);
    WriteRocksDb(*s.store, out);
  });
}

}  // namespace hedui::server::metrics
