#ifndef HEDUI_SERVER_SERVICE_AUDIT_OUTCOME_H_
#define HEDUI_SERVER_SERVICE_AUDIT_OUTCOME_H_

#include <string>

#include "absl/status/status.h"
#include "server/service/verifier.h"
#include "storage/service_log.h"

namespace hedui::server {

// The audit entry of an admitted call whose outcome says more than its code
// (an export names the entries it gave out). Refusals and failures go
// through FinishCall like any call's. `outcome` must hold no personal data.
absl::Status AuditOutcome(storage::ServiceLog* log, const CallInfo& call,
                          std::string outcome);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_AUDIT_OUTCOME_H_
