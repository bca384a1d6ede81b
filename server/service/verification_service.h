#ifndef HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
#define HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "hedui/v1/verification_service.grpc.pb.h"
#include "server/security/caller.h"
#include "server/service/call_admission.h"
#include "server/service/call_gate.h"
#include "server/service/verifier.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.VerificationService. Every call is authenticated, authorised,
// admitted under the in-flight cap, and audited with its outcome, allowed or
// refused. The synchronous API: a verification blocks its thread until the
// report and the audit entry are durable (the log batches the syncs of
// concurrent calls).
class VerificationServiceImpl final
    : public hedui::v1::VerificationService::Service {
 public:
  VerificationServiceImpl(Verifier* verifier, storage::ServiceLog* log,
                          CallerSource callers, CallGate* gate)
      : verifier_(verifier),
        log_(log),
        callers_(std::move(callers)),
        gate_(gate) {}

  grpc::Status Verify(grpc::ServerContext* context,
                      const hedui::v1::VerifyRequest* request,
                      hedui::v1::VerifyResponse* response) override;
  grpc::Status VerifyBatch(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<hedui::v1::VerifyBatchResult,
                               hedui::v1::VerifyRequest>* stream) override;
  grpc::Status GetReport(grpc::ServerContext* context,
                         const hedui::v1::GetReportRequest* request,
                         hedui::v1::Report* response) override;
  grpc::Status ListReports(grpc::ServerContext* context,
                           const hedui::v1::ListReportsRequest* request,
                           hedui::v1::ListReportsResponse* response) override;
  grpc::Status GetStats(grpc::ServerContext* context,
                        const hedui::v1::GetStatsRequest* request,
                        hedui::v1::GetStatsResponse* response) override;

 private:
  absl::StatusOr<security::Caller> Admit(
      grpc::ServerContext* context, const char* method,
      const hedui::v1::VerificationRequest* request = nullptr) {
    return AdmitCall(callers_, verifier_, *context, method, request);
  }
  grpc::Status Finish(grpc::ServerContext* context, const CallInfo& call,
                      const absl::Status& outcome) {
    return FinishCall(verifier_, context, call, outcome);
  }

  Verifier* verifier_;
  storage::ServiceLog* log_;
  CallerSource callers_;
  CallGate* gate_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
