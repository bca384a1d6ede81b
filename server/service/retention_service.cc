#include "server/service/retention_service.h"

#include <string>
#include <utility>

#include "spdlog/spdlog.h"

namespace hedui::server {
namespace {
constexpr MethodSpec kPurge{"/hedui.v1.RetentionService/Purge",
                            CallClass::kAdmin};
}  // namespace

RetentionServiceImpl::RetentionServiceImpl(CallDoor* door,
                                           storage::Purger* purger)
    : door_(door), purger_(purger) {
  AddUnary(kPurge.name, [this](grpc::ServerContext* context, const Bytes* in,
                               Bytes* out) {
    return door_->Unary<hedui::v1::PurgeRequest, hedui::v1::PurgeResponse>(
        context, kPurge, in, out, {},
        [this](Call& call, const hedui::v1::PurgeRequest& request,
               hedui::v1::PurgeResponse* response) -> absl::Status {
          absl::StatusOr<hedui::v1::PurgeResponse> purged = purger_->Run(
              {call.caller().identity, kPurge.name}, request.dry_run());
          if (!purged.ok()) {
            spdlog::error("purge by {} failed: {}", call.caller().identity,
                          std::string(purged.status().message()));
            return purged.status();
          }
          call.MarkAudited();
          spdlog::info("purge by {}: {}", call.caller().identity,
                       storage::DescribePurge(*purged));
          *response = *std::move(purged);
          return absl::OkStatus();
        });
  });
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
