#ifndef HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_
#define HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/metrics/metric_registry.h"
#include "server/service/call_gate.h"
#include "server/service/policy_holder.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::server::metrics {

// The last background VerifyAudit's outcome (heduid runs one every
// audit-verify-interval-minutes): walking the chain on every scrape would
// cost a full read of the audit family.
struct AuditCheckResult {
  std::atomic<int> intact{-1};  // -1: not checked yet
  std::atomic<int64_t> checked_unix_seconds{0};
};

struct OpsSources {
  storage::Store* store = nullptr;
  storage::ServiceLog* log = nullptr;
  const PolicyHolder* policies = nullptr;
  const CallGate* gate = nullptr;
  // (name, PEM file): the server's and the client CA's certificates.
  std::vector<std::pair<std::string, std::string>> certificates;
  int cert_expiry_warning_days = 30;
  const AuditCheckResult* audit_check = nullptr;
};

// Gauges read when Prometheus scrapes: calls in flight and refused, each
// department's data age against the policy's maximum, the audit chain's
// length, RocksDB figures, certificate expiry. All must outlive `registry`.
void AddOpsCollectors(Registry& registry, OpsSources sources);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_
