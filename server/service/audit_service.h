#ifndef HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
#define HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "hedui/v1/audit.pb.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.AuditService: staff and admin read and check the audit trail;
// reading it is audited too. Every method through the call door.
class AuditServiceImpl final : public RawService {
 public:
  // Both must outlive the service.
  AuditServiceImpl(CallDoor* door, storage::ServiceLog* log);

 private:
  using ChunkWriter = std::function<bool(const hedui::v1::ExportAuditChunk&)>;

  absl::Status ExportAudit(Call& call,
                           const hedui::v1::ExportAuditRequest& request,
                           const ChunkWriter& write);

  CallDoor* door_;
  storage::ServiceLog* log_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_AUDIT_SERVICE_H_
