#include "server/service/health_service.h"

#include <utility>

#include "hedui/v1/admin.grpc.pb.h"
#include "hedui/v1/audit.grpc.pb.h"
#include "hedui/v1/change_service.grpc.pb.h"
#include "hedui/v1/retention.grpc.pb.h"
#include "hedui/v1/roll_service.grpc.pb.h"
#include "hedui/v1/verification_service.grpc.pb.h"

namespace hedui::server {
namespace {

namespace pb = grpc::health::v1;

}  // namespace

std::vector<std::string> HeduiServiceNames() {
  return {
      hedui::v1::VerificationService::service_full_name(),
      hedui::v1::RollService::service_full_name(),
      hedui::v1::ChangeService::service_full_name(),
      hedui::v1::AdminService::service_full_name(),
      hedui::v1::AuditService::service_full_name(),
      hedui::v1::RetentionService::service_full_name(),
  };
}

// One open Watch. It writes the status it was opened with and then each
// change; a change that comes while a write is in flight replaces any not
// yet written, so a slow reader gets the latest status, not a backlog.
// gRPC runs the reactions on its own threads, never inside StartWrite or
// Finish, so holding mu_ across those calls cannot deadlock.
class HealthServiceImpl::Watcher final
    : public grpc::ServerWriteReactor<pb::HealthCheckResponse> {
 public:
  Watcher(HealthServiceImpl* service, std::string name)
      : service_(service), name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  void Update(ServingStatus status) {
    absl::MutexLock lock(&mu_);
    latest_ = status;
    WriteOrFinish();
  }

  // Finishes with UNAVAILABLE once the latest status is written.
  void End() {
    absl::MutexLock lock(&mu_);
    ending_ = true;
    WriteOrFinish();
  }

  void Refuse(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    Finish(status);
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      // The client is gone (or the call cancelled): nobody reads further.
      if (!finished_) {
        finished_ = true;
        Finish(grpc::Status::CANCELLED);
      }
      return;
    }
    WriteOrFinish();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    // A write in flight completes not ok and finishes there.
    if (!finished_ && !writing_) {
      finished_ = true;
      Finish(grpc::Status::CANCELLED);
    }
  }

  void OnDone() override {
    service_->Forget(this);
    delete this;
  }

 private:
  void WriteOrFinish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return;
    if (!sent_any_ || latest_ != sent_) {
      sent_any_ = true;
      sent_ = latest_;
      writing_ = true;
      response_.set_status(sent_);
      StartWrite(&response_);
      return;
    }
    if (ending_) {
      finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "heduid is shutting down"));
    }
  }

  HealthServiceImpl* const service_;
  const std::string name_;
  absl::Mutex mu_;
  ServingStatus latest_ ABSL_GUARDED_BY(mu_) = pb::HealthCheckResponse::UNKNOWN;
  ServingStatus sent_ ABSL_GUARDED_BY(mu_) = pb::HealthCheckResponse::UNKNOWN;
  bool sent_any_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ending_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Written from; stays unchanged until its write is done.
  pb::HealthCheckResponse response_ ABSL_GUARDED_BY(mu_);
};

HealthServiceImpl::HealthServiceImpl(std::vector<std::string> services) {
  absl::MutexLock lock(&mu_);
  statuses_[""] = pb::HealthCheckResponse::NOT_SERVING;
  for (std::string& name : services) {
    statuses_[std::move(name)] = pb::HealthCheckResponse::NOT_SERVING;
  }
}

void HealthServiceImpl::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  const ServingStatus status = serving ? pb::HealthCheckResponse::SERVING
                                       : pb::HealthCheckResponse::NOT_SERVING;
  for (auto& [name, current] : statuses_) current = status;
  for (Watcher* watcher : watchers_) watcher->Update(StatusOf(watcher->name()));
}

void HealthServiceImpl::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (auto& [name, current] : statuses_) {
    current = pb::HealthCheckResponse::NOT_SERVING;
  }
  for (Watcher* watcher : watchers_) {
    watcher->Update(StatusOf(watcher->name()));
    watcher->End();
  }
}

HealthServiceImpl::ServingStatus HealthServiceImpl::StatusOf(
    const std::string& service) const {
  const auto it = statuses_.find(service);
  return it == statuses_.end() ? pb::HealthCheckResponse::SERVICE_UNKNOWN
                               : it->second;
}

void HealthServiceImpl::Forget(Watcher* watcher) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(watcher);
}

grpc::ServerUnaryReactor* HealthServiceImpl::Check(
    grpc::CallbackServerContext* context, const pb::HealthCheckRequest* request,
    pb::HealthCheckResponse* response) {
  ServingStatus status;
  {
    absl::MutexLock lock(&mu_);
    status = StatusOf(request->service());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (status == pb::HealthCheckResponse::SERVICE_UNKNOWN) {
    // The protocol's answer for a name the server does not know; the name
    // is the caller's own and not repeated back.
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 "no such service in heduid's health"));
  } else {
    response->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<pb::HealthCheckResponse>* HealthServiceImpl::Watch(
    grpc::CallbackServerContext* /*context*/,
    const pb::HealthCheckRequest* request) {
  auto* watcher = new Watcher(this, request->service());
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    watcher->Update(StatusOf(watcher->name()));
    watcher->End();
  } else if (watchers_.size() >= static_cast<size_t>(kMaxWatches)) {
    watcher->Refuse(
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     "too many open health watches; use Check or retry later"));
  } else {
    // Registered and told under the same lock as SetServing, so no change
    // slips between its first status and its registration.
    watchers_.insert(watcher);
    watcher->Update(StatusOf(watcher->name()));
  }
  return watcher;
}

}  // namespace hedui::server
