#ifndef HEDUI_SERVER_SERVICE_VERIFIER_H_
#define HEDUI_SERVER_SERVICE_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "hedui/v1/report.pb.h"
#include "hedui/v1/verification.pb.h"
#include "server/metrics/service_metrics.h"
#include "server/service/policy_holder.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::server {

// Who calls and how, as the audit records it. Authentication and the
// caller's permission for the request's program and county are checked
// before (server/security); `regions` is checked again after the read, on
// the applicant's registered county.
struct CallInfo {
  std::string caller;
  std::string method;  // full gRPC method name
  std::vector<std::string>
      regions;  // counties the caller may verify; empty: all
};

// The verification pipeline without gRPC (domain.md §1): validate, check the
// consent against the request alone, read the declared persons' records,
// evaluate, and store report and audit entry durably before answering.
// Every request is audited, whatever its outcome.
class Verifier {
 public:
  Verifier(storage::Store* store, storage::ServiceLog* log,
           const PolicyHolder* policies)
      : store_(store), log_(log), policies_(policies) {}

  // Counts verdicts by program once reports are durable; null: not counted.
  void set_metrics(metrics::ServiceMetrics* metrics) { metrics_ = metrics; }

  // One result per request, in order; the stored reports carry their ids.
  // The requests share one durable write (one sync). `batch_indices`, when
  // given (one per request), number batch items in the audit; a unary call
  // is -1.
  std::vector<absl::StatusOr<hedui::v1::Report>> VerifyAll(
      const CallInfo& call, absl::Span<hedui::v1::VerificationRequest> requests,
      absl::Span<const int64_t> batch_indices = {});

  absl::StatusOr<hedui::v1::Report> Verify(
      const CallInfo& call, hedui::v1::VerificationRequest request);

  // An audit entry for a call that produced no report: another method, or
  // a request refused before verification (authentication, permission).
  absl::Status AuditCall(
      const CallInfo& call, const absl::Status& outcome,
      const hedui::v1::VerificationRequest* request = nullptr,
      int64_t batch_index = -1);

 private:
  // Runs the pipeline up to the report; never writes.
  absl::Status Evaluate(const CallInfo& call,
                        hedui::v1::VerificationRequest& request,
                        hedui::v1::Report* report);
  hedui::v1::AuditEntry Entry(const CallInfo& call,
                              const hedui::v1::VerificationRequest* request,
                              const absl::Status& outcome,
                              int64_t batch_index) const;

  storage::Store* store_;
  storage::ServiceLog* log_;
  const PolicyHolder* policies_;
  metrics::ServiceMetrics* metrics_ = nullptr;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_VERIFIER_H_
