#ifndef HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_
#define HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_

#include "hedui/v1/retention.grpc.pb.h"
#include "server/service/call_admission.h"
#include "server/service/verifier.h"
#include "storage/retention.h"

namespace hedui::server {

// hedui.v1.RetentionService: an administrator purges what has expired now
// (heduid also purges on a schedule: RunScheduledPurge). The purge audits
// itself with its counts; a refused call is audited by AdmitCall.
class RetentionServiceImpl final : public hedui::v1::RetentionService::Service {
 public:
  // `auditor` and `purger` must outlive the service.
  RetentionServiceImpl(Verifier* auditor, storage::Purger* purger,
                       CallerSource callers)
      : auditor_(auditor), purger_(purger), callers_(std::move(callers)) {}

  grpc::Status Purge(grpc::ServerContext* context,
                     const hedui::v1::PurgeRequest* request,
                     hedui::v1::PurgeResponse* response) override;

 private:
  Verifier* auditor_;
  storage::Purger* purger_;
  CallerSource callers_;
};

// heduid's periodic purge (run it on a PeriodicTask): purges as
// "(scheduled)" and logs the outcome; the purger audits it. A failed run is
// logged and simply tried again at the next period.
void RunScheduledPurge(storage::Purger& purger);

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_RETENTION_SERVICE_H_
