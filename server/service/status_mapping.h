#ifndef HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_
#define HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace hedui::server {

// The one mapping from absl::Status to the gRPC status a caller sees: same
// canonical code and message; every refusal carries the standard
// google.rpc.Status (RpcStatusOf: BadRequest, PreconditionFailure,
// QuotaFailure, ErrorInfo) as the status's error details, which gRPC sends
// as `grpc-status-details-bin`; field-level details also go to the
// `hedui-error-bin` trailer (ErrorDetails) when `context` is given.
// Messages are masked once more here so that no resident ID ever leaves in
// an error. `method`: for ErrorInfo's metadata.
grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context,
                          absl::string_view method = {});

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_
