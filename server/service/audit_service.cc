#include "server/service/audit_service.h"

#include <utility>

#include "server/service/status_mapping.h"

namespace hedui::server {
namespace {
constexpr char kListAudit[] = "/hedui.v1.AuditService/ListAudit";
constexpr char kVerifyAudit[] = "/hedui.v1.AuditService/VerifyAudit";
}  // namespace

grpc::Status AuditServiceImpl::ListAudit(
    grpc::ServerContext* context, const hedui::v1::ListAuditRequest* request,
    hedui::v1::ListAuditResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kListAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kListAudit);
  absl::StatusOr<hedui::v1::ListAuditResponse> listed =
      log_->ListAudit(*request);
  if (listed.ok()) *response = *std::move(listed);
  return FinishCall(auditor_, context, call, listed.status());
}

grpc::Status AuditServiceImpl::VerifyAudit(
    grpc::ServerContext* context, const hedui::v1::VerifyAuditRequest*,
    hedui::v1::VerifyAuditResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kVerifyAudit);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  const CallInfo call = MakeCallInfo(*caller, kVerifyAudit);
  // The check itself is read before this call's own entry is appended.
  absl::StatusOr<hedui::v1::VerifyAuditResponse> checked = log_->VerifyAudit();
  if (checked.ok()) *response = *std::move(checked);
  return FinishCall(auditor_, context, call, checked.status());
}

}  // namespace hedui::server
