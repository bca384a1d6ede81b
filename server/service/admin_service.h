#ifndef HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
#define HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_

#include "hedui/v1/admin.grpc.pb.h"
#include "server/ingest/feed_ingestor.h"
#include "server/service/call_admission.h"
#include "server/service/verifier.h"
#include "storage/store.h"

namespace hedui::server {

// Ingestion and store inspection. The synchronous API on purpose: a feed is
// parsed and bulk-loaded on the handling thread, which the callback API
// must never block.
class AdminServiceImpl final : public hedui::v1::AdminService::Service {
 public:
  // Every call is authorised (Ingest: administrators; ListDepartments:
  // staff and administrators) and audited through `auditor`.
  AdminServiceImpl(storage::Store* store, IngestLimits limits,
                   CallerSource callers, Verifier* auditor)
      : store_(store),
        limits_(limits),
        callers_(std::move(callers)),
        auditor_(auditor) {}

  grpc::Status Ingest(grpc::ServerContext* context,
                      grpc::ServerReader<hedui::v1::IngestRequest>* reader,
                      hedui::v1::IngestResponse* response) override;

  grpc::Status ListDepartments(
      grpc::ServerContext* context,
      const hedui::v1::ListDepartmentsRequest* request,
      hedui::v1::ListDepartmentsResponse* response) override;

 private:
  storage::Store* store_;
  IngestLimits limits_;
  CallerSource callers_;
  Verifier* auditor_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
