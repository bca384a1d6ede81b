#ifndef HEDUI_SERVER_SERVICE_HEALTH_SERVICE_H_
#define HEDUI_SERVER_SERVICE_HEALTH_SERVICE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace hedui::server {

// The Hedui services by full name ("hedui.v1.VerificationService", ...), the
// names health answers for besides "" (the whole server).
std::vector<std::string> HeduiServiceNames();

// grpc.health.v1.Health on the stubs generated from grpc-proto's
// health.proto, so server reflection resolves it (gRPC's default health
// service has no descriptor in the generated pool). Like the call door's
// exempt methods it is open: load balancers probe without a certificate
// and nothing here reads or changes data.
//
// Every known service has one status, set at once by SetServing: the server
// is either able to take writes durably or not, whichever service is asked.
// The callback API keeps an open Watch from holding a server thread.
class HealthServiceImpl final
    : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // Answers for "" and `services`; every one NOT_SERVING until SetServing.
  // Must outlive the server it is registered on (its watches end first).
  explicit HealthServiceImpl(
      std::vector<std::string> services = HeduiServiceNames());

  HealthServiceImpl(const HealthServiceImpl&) = delete;
  HealthServiceImpl& operator=(const HealthServiceImpl&) = delete;

  // SERVING or NOT_SERVING for every known service; open watches are told.
  // Ignored after Shutdown.
  void SetServing(bool serving);

  // For a stopping server: everything NOT_SERVING for good, and every watch
  // is told so and then ended (UNAVAILABLE), so that the server's shutdown
  // does not wait its grace period for them. Later watches end the same way.
  void Shutdown();

  // At most this many open watches; more are RESOURCE_EXHAUSTED (each one
  // is a stream a client keeps without a certificate).
  static constexpr int kMaxWatches = 1000;

  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request,
      grpc::health::v1::HealthCheckResponse* response) override;

  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class Watcher;

  // SERVICE_UNKNOWN for a name not known.
  ServingStatus StatusOf(const std::string& service) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Forget(Watcher* watcher);

  mutable absl::Mutex mu_;
  std::map<std::string, ServingStatus> statuses_ ABSL_GUARDED_BY(mu_);
  std::set<Watcher*> watchers_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_SERVICE_HEALTH_SERVICE_H_
