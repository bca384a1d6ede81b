#include "server/service/call_admission.h"

#include "server/security/authorize.h"
#include "server/service/status_mapping.h"

namespace hedui::server {

absl::StatusOr<security::Caller> AdmitCall(
    const CallerSource& callers, Verifier* auditor,
    const grpc::ServerContext& context, const char* method,
    const hedui::v1::VerificationRequest* request) {
  absl::StatusOr<security::Caller> caller = callers(context);
  CallInfo call;
  call.method = method;
  if (!caller.ok()) {
    call.caller = kUnauthenticatedCaller;
    auditor->AuditCall(call, caller.status(), request).IgnoreError();
    return caller.status();
  }
  call.caller = caller->identity;
  absl::Status allowed = security::AuthorizeMethod(*caller, method);
  if (allowed.ok() && request != nullptr) {
    allowed = security::AuthorizeVerify(*caller, request->program(),
                                        request->region_code());
  }
  if (!allowed.ok()) {
    auditor->AuditCall(call, allowed, request).IgnoreError();
    return allowed;
  }
  return caller;
}

CallInfo MakeCallInfo(const security::Caller& caller, const char* method) {
  CallInfo call;
  call.caller = caller.identity;
  call.method = method;
  const security::RegionScope& regions = security::VisibleRegions(caller);
  if (!regions.all()) call.regions = regions.values();
  return call;
}

grpc::Status FinishCall(Verifier* auditor, grpc::ServerContext* context,
                        const CallInfo& call, const absl::Status& outcome) {
  absl::Status audited = auditor->AuditCall(call, outcome);
  if (!audited.ok()) return ToGrpcStatus(audited, context);
  return ToGrpcStatus(outcome, context);
}

}  // namespace hedui::server
