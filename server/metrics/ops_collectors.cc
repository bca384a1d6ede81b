#include "server/metrics/ops_collectors.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "hedui/v1/codes.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/statistics.h"
#include "server/security/certificate_expiry.h"

namespace hedui::server::metrics {
namespace {

void CollectCalls(const OpsSources& s, GaugeWriter& out) {
  out.Declare("hedui_calls_in_flight", "Calls being served now");
  out.Sample("hedui_calls_in_flight", s.gate->in_flight());
  out.DeclareCounter(
      "hedui_calls_refused_overload_total",
      "Calls refused with RESOURCE_EXHAUSTED since start (in flight "
      "at the limit)");
  out.Sample("hedui_calls_refused_overload_total",
             static_cast<double>(s.gate->refused()));
}

// The strictest maximum age per department over the policy's rules blocks:
// what an alert must hold the data to.
std::map<int, int> MaxAgeDays(const PolicyHolder& policies) {
  std::map<int, int> max_days;
  std::shared_ptr<const engine::Policy> policy = policies.Current();
  if (policy == nullptr) return max_days;
  for (const auto& rules : policy->proto().rules()) {
    for (const auto& age : rules.max_data_ages()) {
      if (!age.has_max_days()) continue;
      auto [it, inserted] = max_days.emplace(age.department(), age.max_days());
      if (!inserted) it->second = std::min(it->second, age.max_days());
    }
  }
  return max_days;
}

void CollectDepartments(const OpsSources& s, GaugeWriter& out) {
  const auto states = s.store->ListDepartments();
  if (!states.ok()) return;
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  out.Declare("hedui_department_data_age_days",
              "Days since the as-of date of each department's current data");
  for (const auto& state : *states) {
    const auto& as_of = state.current().as_of();
    const absl::CivilDay day(as_of.year(), as_of.month(), as_of.day());
    out.Sample("hedui_department_data_age_days", {"department"},
               {hedui::v1::Department_Name(state.department())},
               static_cast<double>(today - day));
  }
  out.Declare("hedui_department_data_max_age_days",
              "The policy's maximum age of each department's data (older is "
              "stale: verifications needing it come out unknown)");
  for (const auto& [department, days] : MaxAgeDays(*s.policies)) {
    out.Sample("hedui_department_data_max_age_days", {"department"},
               {hedui::v1::Department_Name(
                   static_cast<hedui::v1::Department>(department))},
               days);
  }
}

void CollectAudit(const OpsSources& s, GaugeWriter& out) {
  out.Declare("hedui_audit_chain_length", "Entries in the audit chain");
  out.Sample("hedui_audit_chain_length",
             static_cast<double>(s.log->AuditLength()));
  if (s.audit_check == nullptr) return;
  const int intact = s.audit_check->intact.load();
  if (intact < 0) return;
  out.Declare("hedui_audit_chain_intact",
              "1 when the last check of the whole audit chain (MACs, "
              "sequence, head file) found it intact, 0 when broken");
  out.Sample("hedui_audit_chain_intact", intact);
  out.Declare("hedui_audit_chain_checked_timestamp_seconds",
              "When the audit chain was last checked (Unix time)");
  out.Sample("hedui_audit_chain_checked_timestamp_seconds",
             static_cast<double>(s.audit_check->checked_unix_seconds.load()));
}

void CollectRocksDb(const OpsSources& s, GaugeWriter& out) {
  rocksdb::DB* db = s.store->service_tables().db;
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

void CollectCertificates(const OpsSources& s, GaugeWriter& out) {
  const absl::Time now = absl::Now();
  const auto expiries = security::CheckCertificateExpiry(
      s.certificates, s.cert_expiry_warning_days, now);
  out.Declare("hedui_certificate_not_after_timestamp_seconds",
              "When each certificate heduid uses expires (Unix time)");
  for (const auto& expiry : expiries) {
    if (!expiry.not_after.ok()) continue;
    out.Sample("hedui_certificate_not_after_timestamp_seconds", {"certificate"},
               {expiry.name},
               static_cast<double>(absl::ToUnixSeconds(*expiry.not_after)));
  }
  out.Declare("hedui_certificate_expiring_soon",
              "1 when the certificate expires within the warning period");
  for (const auto& expiry : expiries) {
    out.Sample("hedui_certificate_expiring_soon", {"certificate"},
               {expiry.name}, expiry.expiring_soon ? 1 : 0);
  }
}

}  // namespace

void AddOpsCollectors(Registry& registry, OpsSources sources) {
  registry.AddCollector([s = std::move(sources)](GaugeWriter& out) {
    CollectCalls(s, out);
    CollectDepartments(s, out);
    CollectAudit(s, out);
    CollectRocksDb(s, out);
    if (!s.certificates.empty()) CollectCertificates(s, out);
  });
}

}  // namespace hedui::server::metrics
