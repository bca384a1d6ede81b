#include "server/service/status_mapping.h"

#include "server/errors/error_details.h"
#include "storage/types/resident_id.h"

namespace hedui::server {

grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context,
                          absl::string_view method) {
  if (status.ok()) return grpc::Status::OK;
  if (auto details = GetErrorDetails(status); details && context != nullptr) {
    for (auto& violation : *details->mutable_field_violations()) {
      violation.set_description(MaskResidentIdsInText(violation.description()));
    }
    context->AddTrailingMetadata(kErrorDetailsTrailer,
                                 details->SerializeAsString());
  }
  // absl and gRPC share the canonical code numbers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      MaskResidentIdsInText(status.message()),
                      RpcStatusOf(status, method).SerializeAsString());
}

}  // namespace hedui::server
