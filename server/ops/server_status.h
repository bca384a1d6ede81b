#ifndef HEDUI_SERVER_OPS_SERVER_STATUS_H_
#define HEDUI_SERVER_OPS_SERVER_STATUS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "hedui/v1/admin.pb.h"
#include "server/service/admission.h"
#include "server/service/policy_holder.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::server::metrics {

// The last background VerifyAudit's outcome (heduid runs one every
// audit-verify-interval-minutes): walking the chain on every scrape or
// status call would cost a full read of the audit family.
struct AuditCheckResult {
  std::atomic<int> intact{-1};  // -1: not checked yet
  std::atomic<int64_t> checked_unix_seconds{0};
};

// What the status and the metrics are read from; all must outlive users.
struct OpsSources {
  storage::Store* store = nullptr;
  storage::ServiceLog* log = nullptr;
  const PolicyHolder* policies = nullptr;
  const Admission* gate = nullptr;
  // (name, PEM file): the server's and the client CA's certificates.
  std::vector<std::pair<std::string, std::string>> certificates;
  int cert_expiry_warning_days = 30;
  const AuditCheckResult* audit_check = nullptr;
  absl::Time started = absl::Now();
  // The configuration's backup-dir (empty: backups off), for the age of the
  // newest backup.
  std::string backup_dir;
};

// The health details (AdminService.GetServerStatus) and the source of the
// metrics' scrape-time gauges, so that both always agree. Warnings name
// what needs acting on: certificates expiring, stale or missing data, a
// broken audit chain.
hedui::v1::ServerStatus ReadServerStatus(const OpsSources& sources,
                                         absl::Time now);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_OPS_SERVER_STATUS_H_
