#ifndef HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
#define HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hedui/v1/verification_service.pb.h"
#include "server/metrics/service_metrics.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "server/service/stream_reactor.h"
#include "server/service/verifier.h"
#include "storage/request_ids.h"
#include "storage/service_log.h"
#include "storage/store.h"

namespace hedui::server {

// hedui.v1.VerificationService, every method through the call door. The
// unary methods are on the callback API: the door admits them on gRPC's
// thread and their work runs on the door's workers, which block until the
// report and the audit entry are durable (the log batches the syncs of
// concurrent calls) and then finish the call. So does VerifyBatch, a
// stream on the callback API whose groups of items are verified and written
// in steps on the workers, holding no thread while it waits on its client.
//
// Request ids (AIP-155, storage/request_ids.h): a Verify or VerifyBatch item
// with a request_id holds the caller's id in an in-memory table while it
// runs, so that a retry arriving meanwhile waits for it (within its
// deadline). The first successful call's result goes into the synced write
// of its report and audit entry; a retry of the same request (fingerprint of
// the request as sent) gets that report as stored, audited as a replay
// naming it, and no second report; another request under the id is
// ALREADY_EXISTS. A refused call is not remembered. A unary call and a batch
// item are the same method for this: either may retry the other.
class VerificationServiceImpl final : public RawService {
 public:
  // All must outlive the service. `requests`: the store's tables that keep
  // request ids (roll_requests, reports, audit); without them (the default)
  // a call with a request id is refused, UNIMPLEMENTED naming request_id,
  // rather than silently not deduplicated.
  VerificationServiceImpl(CallDoor* door, Verifier* verifier,
                          storage::ServiceLog* log,
                          storage::Store::ServiceTables requests = {});
  ~VerificationServiceImpl() override;

  // Counts verdicts by program once reports are durable; null: not counted.
  void set_metrics(metrics::ServiceMetrics* metrics) { metrics_ = metrics; }

  // The server stops: each open batch stream takes no more items, sends the
  // results it has and ends UNAVAILABLE. An open stream waiting for its
  // client would otherwise hold the server for its whole grace period.
  void StopBatches();

 private:
  // One VerifyBatch stream on the callback API (verification_service.cc).
  class BatchReactor;
  // On gRPC's thread: a new batch stream, opened through the door.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StartBatch(
      grpc::CallbackServerContext* context);

  absl::Status Verify(Call& call, const hedui::v1::VerifyRequest& request,
                      hedui::v1::VerifyResponse* response);
  absl::Status GetReport(Call& call, const hedui::v1::GetReportRequest& request,
                         hedui::v1::Report* response);
  absl::Status ListReports(Call& call,
                           const hedui::v1::ListReportsRequest& request,
                           hedui::v1::ListReportsResponse* response);
  absl::Status GetStats(Call& call, const hedui::v1::GetStatsRequest& request,
                        hedui::v1::GetStatsResponse* response);
  void CountVerdict(const hedui::v1::Report& report);

  // Request ids held by the calls running them (bounded).
  class InFlight;
  // The id's key in InFlight: the caller's and the id.
  static std::string InFlightKey(const Call& call,
                                 const std::string& request_id);
  // Once the call holds its id: the first call's report if this is its
  // retry (checked: the same request, a report the caller may still see),
  // nullopt if the id is new (or forgotten: its report was purged).
  // ALREADY_EXISTS naming request_id for another request under the id.
  absl::StatusOr<std::optional<hedui::v1::Report>> FirstReport(
      const Call& call, const std::string& request_id,
      const std::string& fingerprint);
  // The audit record of a retry: the caller's first report returned.
  storage::ServiceRecord ReplayRecord(const Call& call, AuditSubject subject,
                                      const std::string& request_id,
                                      const std::string& report_id) const;
  // A new call's record, with its report (or one the caller lends it) and
  // the id's result, which the log completes with the report's id in the
  // same synced write.
  storage::ServiceRecord FirstRecord(
      const Call& call, AuditSubject subject, const std::string& request_id,
      const std::string& fingerprint,
      std::optional<hedui::v1::Report> report) const;
  // A result found without its report's id (stored by an older version):
  // the result names it now.
  void LinkReport(const Call& call, const std::string& request_id,
                  const storage::RequestResult& result,
                  const std::string& report_id) const;

  CallDoor* door_;
  Verifier* verifier_;
  storage::ServiceLog* log_;
  const storage::Store::ServiceTables requests_;
  const std::unique_ptr<InFlight> in_flight_;
  metrics::ServiceMetrics* metrics_ = nullptr;
  std::atomic<bool> stopping_{false};
  absl::Mutex batches_mu_;
  absl::flat_hash_set<BatchReactor*> batches_ ABSL_GUARDED_BY(batches_mu_);
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_VERIFICATION_SERVICE_H_
