#ifndef HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
#define HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "hedui/v1/admin.pb.h"
#include "server/ingest/feed_ingestor.h"
#include "server/metrics/service_metrics.h"
#include "server/service/call_door.h"
#include "server/service/feed_preview.h"
#include "server/service/raw_service.h"
#include "storage/backup.h"
#include "storage/feed_hold.h"
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
  // Feed impact preview and hold (domain.md §10.1). Without a previewer a
  // preview is refused (FAILED_PRECONDITION) and nothing is held.
  void set_previewer(const FeedPreviewer* previewer) { previewer_ = previewer; }
  // Called after every switch (an ingest, a confirmed held file): the
  // re-verification runner takes it up at once instead of at its next poll.
  void set_on_switch(std::function<void()> on_switch) {
    on_switch_ = std::move(on_switch);
  }

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
  absl::Status ListHeldFeeds(hedui::v1::ListHeldFeedsResponse* response);
  absl::Status ConfirmHeldFeed(Call& call,
                               const hedui::v1::ConfirmHeldFeedRequest& request,
                               hedui::v1::IngestResponse* response);
  absl::Status DiscardHeldFeed(Call& call,
                               const hedui::v1::DiscardHeldFeedRequest& request,
                               hedui::v1::DiscardHeldFeedResponse* response);
  // After the file is parsed and validated: answers a preview, holds the
  // file, or applies it.
  // `hold`: held whatever its impact (IngestHeader.hold).
  absl::StatusOr<hedui::v1::IngestResponse> Decide(Call& call,
                                                   FeedIngestor& ingestor,
                                                   bool preview, bool hold);
  // Stores the validated file as held, with its impact as evaluated.
  absl::StatusOr<hedui::v1::IngestResponse> HoldFile(
      Call& call, FeedIngestor& ingestor, hedui::v1::FeedImpact impact,
      absl::Time start);
  // Several held files switched as one: all found, then switched in one
  // synced write of the store that also drops their holds (all or none),
  // the rows streamed from the hold, never the whole file in memory.
  absl::Status ConfirmHeldFeeds(
      Call& call, const hedui::v1::ConfirmHeldFeedsRequest& request,
      hedui::v1::ConfirmHeldFeedsResponse* response);
  // A joint switch an older heduid left unfinished (its `held/joint`
  // marker): switches its files not yet switched and drops the marker.
  // Under decide_mu_, or before calls are served.
  absl::Status FinishInterruptedJoint();
  // A held file as one file of a store switch: its header, and its rows
  // streamed from the hold.
  absl::StatusOr<storage::JointFile> JointFileOf(
      const storage::HeldFile& held) const;
  // The department's held file, if any; one whose batch is already applied
  // (a confirmation cut short) is dropped here. Under decide_mu_.
  absl::StatusOr<std::optional<storage::HeldFile>> CurrentHold(
      hedui::v1::Department department);
  // The held file of the request's department if its batch id is the one
  // named, else NOT_FOUND.
  absl::StatusOr<storage::HeldFile> HeldNamed(hedui::v1::Department department,
                                              const std::string& batch_id);
  // The manager, or FAILED_PRECONDITION naming backup_dir.
  absl::StatusOr<storage::BackupManager*> Backups() const;

  CallDoor* door_;
  storage::Store* store_;
  IngestLimits limits_;
  std::unique_ptr<storage::BackupManager> backups_;  // null: no backup_dir
  metrics::ServiceMetrics* metrics_ = nullptr;
  std::function<hedui::v1::ServerStatus()> status_source_;
  const FeedPreviewer* previewer_ = nullptr;
  std::function<void()> on_switch_;
  storage::FeedHoldStore holds_;
  // Files are decided one at a time (preview, hold or switch, and a
  // confirmation or discard): what a decision checked about a department's
  // held file and current data still holds when it acts.
  absl::Mutex decide_mu_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ADMIN_SERVICE_H_
