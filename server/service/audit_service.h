#ifndef HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
#define HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "hedui/v1/audit.pb.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "server/service/stream_reactor.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.AuditService: staff and admin read and check the audit trail;
// reading it is audited too. Every method through the call door.
class AuditServiceImpl final : public RawService {
 public:
  // Both must outlive the service.
  AuditServiceImpl(CallDoor* door, storage::ServiceLog* log);

 private:
  // One ExportAudit stream on the callback API (audit_service.cc).
  class ExportReactor;
  // On gRPC's thread: a new export, opened through the door.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartExport(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer& in);

  CallDoor* door_;
  storage::ServiceLog* log_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
