#ifndef HEDUI_SERVER_SERVICE_CALL_ADMISSION_H_
#define HEDUI_SERVER_SERVICE_CALL_ADMISSION_H_

#include <functional>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "hedui/v1/verification.pb.h"
#include "server/security/caller.h"
#include "server/service/verifier.h"

namespace hedui::server {

// Who is calling: the verified client certificate's identity looked up in
// the callers file (UNAUTHENTICATED / PERMISSION_DENIED otherwise).
using CallerSource =
    std::function<absl::StatusOr<security::Caller>(const grpc::ServerContext&)>;

// The audit entry's caller for a call refused before it had an identity.
inline constexpr char kUnauthenticatedCaller[] = "(unauthenticated)";

// The first step of every audited RPC: authenticates the caller, checks the
// method's roles and, for a verification, the program and county. A refusal
// is audited here and returned for the caller to answer with.
absl::StatusOr<security::Caller> AdmitCall(
    const CallerSource& callers, Verifier* auditor,
    const grpc::ServerContext& context, const char* method,
    const hedui::v1::VerificationRequest* request = nullptr);

CallInfo MakeCallInfo(const security::Caller& caller, const char* method);

// Audits the call's outcome and maps it for the caller; an answer whose
// audit entry is not durable is not given.
grpc::Status FinishCall(Verifier* auditor, grpc::ServerContext* context,
                        const CallInfo& call, const absl::Status& outcome);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CALL_ADMISSION_H_
