#include "server/service/audit_outcome.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"

namespace hedui::server {

absl::Status AuditOutcome(storage::ServiceLog* log, const CallInfo& call,
                          std::string outcome) {
  std::vector<storage::ServiceRecord> records(1);
  hedui::v1::AuditEntry& entry = records[0].audit;
  entry.set_time_unix_micros(absl::ToUnixMicros(absl::Now()));
  entry.set_caller(call.caller);
  entry.set_method(call.method);
  entry.set_batch_index(-1);
  entry.set_code(0);
  entry.set_outcome(std::move(outcome));
  return log->Append(std::move(records)).status();
}

}  // namespace hedui::server
