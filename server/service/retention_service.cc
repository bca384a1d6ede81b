#include "server/service/retention_service.h"

#include <utility>

#include "server/service/status_mapping.h"
#include "spdlog/spdlog.h"

namespace hedui::server {
namespace {
constexpr char kPurge[] = "/hedui.v1.RetentionService/Purge";
}  // namespace

grpc::Status RetentionServiceImpl::Purge(grpc::ServerContext* context,
                                         const hedui::v1::PurgeRequest* request,
                                         hedui::v1::PurgeResponse* response) {
  absl::StatusOr<security::Caller> caller =
      AdmitCall(callers_, auditor_, *context, kPurge);
  if (!caller.ok()) return ToGrpcStatus(caller.status(), context);
  absl::StatusOr<hedui::v1::PurgeResponse> purged =
      purger_->Run({caller->identity, kPurge}, request->dry_run());
  if (!purged.ok()) {
    spdlog::error("purge by {} failed: {}", caller->identity,
                  std::string(purged.status().message()));
    return ToGrpcStatus(purged.status(), context);
  }
  spdlog::info("purge by {}: {}", caller->identity,
               storage::DescribePurge(*purged));
  *response = *std::move(purged);
  return grpc::Status::OK;
}

void RunScheduledPurge(storage::Purger& purger) {
  absl::StatusOr<hedui::v1::PurgeResponse> purged = purger.Run(
      {storage::kScheduledPurgeCaller, storage::kScheduledPurgeMethod},
      /*dry_run=*/false);
  if (purged.ok()) {
    spdlog::info("scheduled purge: {}", storage::DescribePurge(*purged));
  } else {
    spdlog::error("scheduled purge failed (tried again next period): {}",
                  std::string(purged.status().message()));
  }
}

}  // namespace hedui::server
