#ifndef HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
#define HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "hedui/v1/audit.grpc.pb.h"
#include "server/service/call_admission.h"
#include "server/service/verifier.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.AuditService: staff and admin read and check the audit trail;
// reading it is audited too.
class AuditServiceImpl final : public hedui::v1::AuditService::Service {
 public:
  AuditServiceImpl(Verifier* auditor, storage::ServiceLog* log,
                   CallerSource callers)
      : auditor_(auditor), log_(log), callers_(std::move(callers)) {}

  grpc::Status ListAudit(grpc::ServerContext* context,
                         const hedui::v1::ListAuditRequest* request,
                         hedui::v1::ListAuditResponse* response) override;
  grpc::Status VerifyAudit(grpc::ServerContext* context,
                           const hedui::v1::VerifyAuditRequest* request,
                           hedui::v1::VerifyAuditResponse* response) override;
  grpc::Status ExportAudit(
      grpc::ServerContext* context,
      const hedui::v1::ExportAuditRequest* request,
      grpc::ServerWriter<hedui::v1::ExportAuditChunk>* writer) override;

 private:
  Verifier* auditor_;
  storage::ServiceLog* log_;
  CallerSource callers_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
