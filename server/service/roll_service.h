#ifndef HEDUI_SERVER_SERVICE_ROLL_SERVICE_H_
#define HEDUI_SERVER_SERVICE_ROLL_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/roll_service.pb.h"
#include "server/service/call_door.h"
#include "server/service/duplicate_scan.h"
#include "server/service/policy_holder.h"
#include "server/service/raw_service.h"
#include "server/service/reverification_runner.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.RollService (domain.md §10, §10.1 "Rolls"), every method through
// the call door like Verify: bounded, authenticated, authorised by role and
// then by program and county, admitted, audited. A call that changes a roll
// holds the roll store's lock from its first read to its durable write, and
// writes the change, its request-id result and its audit entry in one
// synced batch; a retry with the same request id gets the first response.
class RollServiceImpl final : public RawService {
 public:
  // All must outlive the service.
  RollServiceImpl(CallDoor* door, storage::RollStore* rolls,
                  storage::ServiceLog* log, const PolicyHolder* policies);

  // The server's today (Asia/Shanghai); the test hook and tests fix it.
  void set_today(std::function<absl::CivilDay()> today) {
    today_ = std::move(today);
  }
  // The re-verification runner (Reverify; the re-verification that follows
  // an attached consent). Without one Reverify is UNAVAILABLE.
  void set_runner(ReverificationRunner* runner) { runner_ = runner; }

 private:
  absl::Status Enroll(Call& call, const hedui::v1::EnrollRequest& request,
                      hedui::v1::EnrollResponse* response);
  absl::Status Withdraw(Call& call, const hedui::v1::WithdrawRequest& request,
                        hedui::v1::WithdrawResponse* response);
  absl::Status AttachConsent(Call& call,
                             const hedui::v1::AttachConsentRequest& request,
                             hedui::v1::AttachConsentResponse* response);
  absl::Status GetRollEntry(Call& call,
                            const hedui::v1::GetRollEntryRequest& request,
                            hedui::v1::RollEntry* response);
  absl::Status ListRoll(Call& call, const hedui::v1::ListRollRequest& request,
                        hedui::v1::ListRollResponse* response);
  absl::Status Reverify(Call& call, const hedui::v1::ReverifyRequest& request,
                        hedui::v1::ReverifyResponse* response);
  absl::Status ListReviewsDue(Call& call,
                              const hedui::v1::ListReviewsDueRequest& request,
                              hedui::v1::ListReviewsDueResponse* response);

  // A retry: the first response when `request_id` was used by this caller
  // for this very request (true), nothing when it is new (false),
  // ALREADY_EXISTS when it was used for another request.
  absl::StatusOr<bool> Replay(Call& call, const std::string& request_id,
                              const std::string& fingerprint,
                              google::protobuf::Message* response);
  // The change, its result and the call's audit entry, durably.
  // `extra`: more writes of the same batch (a re-verification job, the
  // duplicate pairs remembered); `events`: change events of the same batch
  // (duplicate pairs found).
  absl::Status Commit(Call& call, storage::RollChange change,
                      const google::protobuf::Message& response,
                      const std::string& fingerprint,
                      std::vector<storage::StoreWrite> extra = {},
                      std::vector<hedui::v1::ChangeEvent> events = {});
  // The duplicate scan of a change about to be committed (the roll lock
  // held), its new pairs named in the call's audit detail.
  absl::StatusOr<DuplicateScan> ScanForDuplicates(
      Call& call, const storage::RollChange& change);
  absl::CivilDay Today() const;
  // The entry `entry_id` when this caller may see it, the call's audit
  // subject set from it; NOT_FOUND naming entry_id otherwise.
  absl::StatusOr<hedui::v1::RollEntry> VisibleEntry(
      Call& call, const std::string& entry_id);

  CallDoor* door_;
  storage::RollStore* rolls_;
  storage::ServiceLog* log_;
  const PolicyHolder* policies_;
  std::function<absl::CivilDay()> today_;
  ReverificationRunner* runner_ = nullptr;
  // A Reverify call from its request-id check to its recorded result: a
  // retry arriving meanwhile waits and gets the first result.
  absl::Mutex reverify_mu_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_ROLL_SERVICE_H_
