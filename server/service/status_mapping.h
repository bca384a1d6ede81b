#ifndef HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_
#define HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace hedui::server {

// The one mapping from absl::Status to the gRPC status a caller sees: same
// canonical code and message; field-level details, if any, go to the
// `hedui-error-bin` trailer (ErrorDetails). Messages are masked once more
// here so that no resident ID ever leaves in an error.
grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_STATUS_MAPPING_H_
