#ifndef HEDUI_SERVER_SERVICE_CHANGE_SERVICE_H_
#define HEDUI_SERVER_SERVICE_CHANGE_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hedui/v1/change_service.pb.h"
#include "server/service/call_door.h"
#include "server/service/raw_service.h"
#include "server/service/stream_reactor.h"
#include "storage/events/event_store.h"
#include "storage/rolls/roll_store.h"
#include "storage/service_log.h"

namespace hedui::server {

// hedui.v1.ChangeService (domain.md §10, §10.1 "Events"), every method
// through the call door like Verify: bounded, authenticated, authorised by
// role and then by program and county, admitted, audited. A caller sees
// only the events of programs and counties it may see (MaySee): another's
// event is NOT_FOUND, and a listing or a watch passes over it. Nothing
// above the log's highest durable event is shown, so every number a caller
// sees has every lower number durable before it.
class ChangeServiceImpl final : public RawService {
 public:
  // All must outlive the service. The roll store's lock and its request-id
  // results (roll_requests) serve ResolveChange as they serve the roll
  // calls.
  ChangeServiceImpl(CallDoor* door, storage::EventStore* events,
                    storage::RollStore* rolls, storage::ServiceLog* log);
  ~ChangeServiceImpl() override;

  // The server's today (Asia/Shanghai), for a resolution's date; the test
  // hook and tests fix it.
  void set_today(std::function<absl::CivilDay()> today) {
    today_ = std::move(today);
  }

  // Ends every watch stream (OK) within a moment, and refuses new ones: at
  // shutdown, so that open watches do not hold the server for its grace
  // period.
  void StopWatches();

  // Watches waiting for an event now (each holds no thread meanwhile).
  size_t waiting_watches() const { return bell_->waiting(); }

 private:
  // One WatchChanges stream on the callback API (change_service.cc).
  class WatchReactor;
  // On gRPC's thread: a new watch, opened through the door.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartWatch(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer& in);

  absl::Status ListChanges(Call& call,
                           const hedui::v1::ListChangesRequest& request,
                           hedui::v1::ListChangesResponse* response);
  // A watch's checks before its first event: the server not stopping,
  // `after` given by this server and not purged.
  absl::Status BeginWatch(const hedui::v1::WatchChangesRequest& request);
  absl::Status GetChange(Call& call, const hedui::v1::GetChangeRequest& request,
                         hedui::v1::ChangeEvent* response);
  absl::Status ResolveChange(Call& call,
                             const hedui::v1::ResolveChangeRequest& request,
                             hedui::v1::ResolveChangeResponse* response);
  absl::Status GetChangeStats(Call& call,
                              const hedui::v1::GetChangeStatsRequest& request,
                              hedui::v1::GetChangeStatsResponse* response);

  // The event `number` when this caller may see it (durable), the call's
  // audit subject set from it; NOT_FOUND naming `number` otherwise.
  absl::StatusOr<hedui::v1::ChangeEvent> VisibleEvent(Call& call,
                                                      uint64_t number);
  absl::CivilDay Today() const;

  CallDoor* door_;
  storage::EventStore* events_;
  storage::RollStore* rolls_;
  storage::ServiceLog* log_;
  std::function<absl::CivilDay()> today_;
  std::atomic<bool> stopping_{false};
  // Wakes the watches waiting for events.
  std::unique_ptr<EventBell> bell_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_CHANGE_SERVICE_H_
