#ifndef HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
#define HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "hedui/v1/admin.grpc.pb.h"
#include "server/ingest/feed_ingestor.h"
#include "server/service/call_admission.h"
#include "server/service/verifier.h"
#include "storage/backup.h"
#include "storage/store.h"

namespace hedui::server {

// From the configuration (`backup_dir`).
struct BackupSettings {
  // Where CreateBackup writes; empty: backup calls are refused with
  // FAILED_PRECONDITION naming backup_dir.
  std::string backup_dir;
};

// Ingestion, store inspection and backups. The synchronous API on purpose:
// a feed is parsed and bulk-loaded, and a backup copied, on the handling
// thread, which the callback API must never block.
class AdminServiceImpl final : public hedui::v1::AdminService::Service {
 public:
  // Every call is authorised (Ingest and the backup calls: administrators;
  // ListDepartments: staff and administrators) and audited through
  // `auditor`.
  AdminServiceImpl(storage::Store* store, IngestLimits limits,
                   CallerSource callers, Verifier* auditor,
                   BackupSettings backup = {})
      : store_(store),
        limits_(limits),
        callers_(std::move(callers)),
        auditor_(auditor),
        backups_(backup.backup_dir.empty()
                     ? nullptr
                     : std::make_unique<storage::BackupManager>(
                           store->service_tables(), backup.backup_dir)) {}

  // What GetServerStatus answers (heduid: metrics::ReadServerStatus).
  void set_status_source(std::function<hedui::v1::ServerStatus()> source) {
    status_source_ = std::move(source);
  }
  // Counts ingested rows and refused files; null: not counted.
  void set_metrics(metrics::ServiceMetrics* metrics) { metrics_ = metrics; }

  grpc::Status Ingest(grpc::ServerContext* context,
                      grpc::ServerReader<hedui::v1::IngestRequest>* reader,
                      hedui::v1::IngestResponse* response) override;

  grpc::Status ListDepartments(
      grpc::ServerContext* context,
      const hedui::v1::ListDepartmentsRequest* request,
      hedui::v1::ListDepartmentsResponse* response) override;

  grpc::Status CreateBackup(grpc::ServerContext* context,
                            const hedui::v1::CreateBackupRequest* request,
                            hedui::v1::CreateBackupResponse* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context,
                           const hedui::v1::ListBackupsRequest* request,
                           hedui::v1::ListBackupsResponse* response) override;
  grpc::Status VerifyBackup(grpc::ServerContext* context,
                            const hedui::v1::VerifyBackupRequest* request,
                            hedui::v1::VerifyBackupResponse* response) override;
  grpc::Status PruneBackups(grpc::ServerContext* context,
                            const hedui::v1::PruneBackupsRequest* request,
                            hedui::v1::PruneBackupsResponse* response) override;
  grpc::Status GetServerStatus(grpc::ServerContext* context,
                               const hedui::v1::GetServerStatusRequest* request,
                               hedui::v1::ServerStatus* response) override;

 private:
  // Admits, runs `body` with the caller and audits its outcome, as every
  // admin call does.
  template <typename Body>
  grpc::Status Audited(grpc::ServerContext* context, const char* method,
                       Body body);
  // The manager, or FAILED_PRECONDITION naming backup_dir.
  absl::StatusOr<storage::BackupManager*> Backups() const;

  storage::Store* store_;
  IngestLimits limits_;
  CallerSource callers_;
  Verifier* auditor_;
  std::unique_ptr<storage::BackupManager> backups_;  // null: no backup_dir
  metrics::ServiceMetrics* metrics_ = nullptr;
  std::function<hedui::v1::ServerStatus()> status_source_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
