#ifndef HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
#define HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "hedui/v1/admin.pb.h"
#include "server/ingest/feed_ingestor.h"
#include "server/metrics/service_metrics.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "storage/backup.h"
#include "storage/store.h"

namespace hedui::server {

// From the configuration (`backup_dir`).
struct BackupSettings {
  // Where CreateBackup writes; empty: backup calls are refused with
  // FAILED_PRECONDITION naming backup_dir.
  std::string backup_dir;
};

// hedui.v1.AdminService: ingestion, store inspection and backups, every
// method through the call door (roles: Ingest and the backup calls
// administrators; ListDepartments and GetServerStatus staff and
// administrators). The synchronous API on purpose: a feed is parsed and
// bulk-loaded, and a backup copied, on the handling thread, which the
// callback API must never block.
class AdminServiceImpl final : public RawService {
 public:
  // `store` and `door` must outlive the service.
  AdminServiceImpl(CallDoor* door, storage::Store* store, IngestLimits limits,
                   const BackupSettings& backup = {});

  // What GetServerStatus answers (heduid: metrics::ReadServerStatus).
  void set_status_source(std::function<hedui::v1::ServerStatus()> source) {
    status_source_ = std::move(source);
  }
  // Counts ingested rows and refused files; null: not counted.
  void set_metrics(metrics::ServiceMetrics* metrics) { metrics_ = metrics; }

 private:
  using IngestReader = CallDoor::MessageReader<hedui::v1::IngestRequest>;

  absl::Status Ingest(Call& call, IngestReader& messages,
                      hedui::v1::IngestResponse* response);
  absl::Status ListDepartments(hedui::v1::ListDepartmentsResponse* response);
  absl::Status CreateBackup(Call& call,
                            hedui::v1::CreateBackupResponse* response);
  absl::Status ListBackups(hedui::v1::ListBackupsResponse* response);
  absl::Status VerifyBackup(const hedui::v1::VerifyBackupRequest& request,
                            hedui::v1::VerifyBackupResponse* response);
  absl::Status PruneBackups(Call& call,
                            const hedui::v1::PruneBackupsRequest& request,
                            hedui::v1::PruneBackupsResponse* response);
  absl::Status GetServerStatus(hedui::v1::ServerStatus* response);
  // The manager, or FAILED_PRECONDITION naming backup_dir.
  absl::StatusOr<storage::BackupManager*> Backups() const;

  CallDoor* door_;
  storage::Store* store_;
  IngestLimits limits_;
  std::unique_ptr<storage::BackupManager> backups_;  // null: no backup_dir
  metrics::ServiceMetrics* metrics_ = nullptr;
  std::function<hedui::v1::ServerStatus()> status_source_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
