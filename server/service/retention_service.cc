#include "server/service/retention_service.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace hedui::server {
namespace {
constexpr MethodSpec kPurge{"/hedui.v1.RetentionService/Purge",
                            CallClass::kAdmin};
}  // namespace

RetentionServiceImpl::RetentionServiceImpl(CallDoor* door,
                                           storage::Purger* purger)
    : door_(door), purger_(purger) {
  AddUnary(kPurge.name, [this](grpc::CallbackServerContext* context,
                               const Bytes* in, Bytes* out) {
    return door_->Unary<hedui::v1::PurgeRequest, hedui::v1::PurgeResponse>(
        context, kPurge, in, out, {},
        [this](Call& call, const hedui::v1::PurgeRequest& request,
               hedui::v1::PurgeResponse* response) -> absl::Status {
          // The tally: what PurgeResponse has no field for (roll entries,
          // events, request ids) still reaches the log line.
          storage::PurgeTally tally;
          absl::StatusOr<hedui::v1::PurgeResponse> purged =
              purger_->Run({call.caller().identity, kPurge.name},
                           request.dry_run(), absl::Now(), &tally);
          if (!purged.ok()) {
            spdlog::error("purge by {} failed: {}", call.caller().identity,
                          std::string(purged.status().message()));
            return purged.status();
          }
          call.MarkAudited();
          spdlog::info("purge by {}: {}", call.caller().identity,
                       storage::DescribePurge(*purged, tally));
          *response = *std::move(purged);
          return absl::OkStatus();
        });
  });
}

void RunScheduledPurge(storage::Purger& purger) {
  storage::PurgeTally tally;
  absl::StatusOr<hedui::v1::PurgeResponse> purged = purger.Run(
      {storage::kScheduledPurgeCaller, storage::kScheduledPurgeMethod},
      /*dry_run=*/false, absl::Now(), &tally);
  if (purged.ok()) {
    spdlog::info("scheduled purge: {}", storage::DescribePurge(*purged, tally));
  } else {
    spdlog::error("scheduled purge failed (tried again next period): {}",
                  std::string(purged.status().message()));
  }
}

}  // namespace hedui::server
