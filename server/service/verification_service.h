#ifndef HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
#define HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_

#include "hedui/v1/verification_service.pb.h"
#include "server/metrics/service_metrics.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "server/service/verifier.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.VerificationService, every method through the call door. The
// synchronous API: a verification blocks its thread until the report and the
// audit entry are durable (the log batches the syncs of concurrent calls).
class VerificationServiceImpl final : public RawService {
 public:
  // All must outlive the service.
  VerificationServiceImpl(CallDoor* door, Verifier* verifier,
                          storage::ServiceLog* log);

  // Counts verdicts by program once reports are durable; null: not counted.
  void set_metrics(metrics::ServiceMetrics* metrics) { metrics_ = metrics; }

 private:
  using BatchReader = CallDoor::MessageReader<hedui::v1::VerifyRequest>;
  using BatchWriter = std::function<bool(const hedui::v1::VerifyBatchResult&)>;

  absl::Status Verify(Call& call, const hedui::v1::VerifyRequest& request,
                      hedui::v1::VerifyResponse* response);
  absl::Status VerifyBatch(Call& call, BatchReader& requests,
                           const BatchWriter& write);
  absl::Status GetReport(Call& call, const hedui::v1::GetReportRequest& request,
                         hedui::v1::Report* response);
  absl::Status ListReports(Call& call,
                           const hedui::v1::ListReportsRequest& request,
                           hedui::v1::ListReportsResponse* response);
  absl::Status GetStats(Call& call, const hedui::v1::GetStatsRequest& request,
                        hedui::v1::GetStatsResponse* response);
  void CountVerdict(const hedui::v1::Report& report);

  CallDoor* door_;
  Verifier* verifier_;
  storage::ServiceLog* log_;
  metrics::ServiceMetrics* metrics_ = nullptr;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
