#ifndef HEDUI_SERVER_APP_SERVER_H_
#define HEDUI_SERVER_APP_SERVER_H_

// The running heduid (issue 17 item 5): every part the server is made of
// (store, audit log, rolls, events, services, the re-verification runner,
// reload, metrics, periodic tasks), built from one configuration, owned in
// one place and closed in the one order that keeps acknowledged data
// durable. main() parses the configuration and handles signals; a test
// starts and stops a Server in process, on a real store and a real port.

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/server_config.h"
#include "storage/store.h"

namespace hedui::server {

// The store as the configuration opens it (without test hooks): for the
// server and for `heduid --check`, which reads the same store.
storage::StoreOptions StoreOptionsFor(const ServerConfig& config);

class Server {
 public:
  // Opens the store and builds every part; listens on nothing yet. The
  // configuration must have passed ValidateServerConfig. Errors name the
  // part and the setting that failed (the store, the policy, the callers
  // file, TLS, the audit key, ...).
  static absl::StatusOr<std::unique_ptr<Server>> Create(ServerConfig config);

  // Stops if still running, then closes the parts: the audit log drains
  // its queue and writes its last chain head before the store closes.
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens, starts the re-verification runner, the periodic tasks and the
  // metrics endpoint, then reports SERVING (when writes are durable) and
  // writes the port file. Once only.
  absl::Status Start();

  // The port bound (the configured one, or the one chosen for port 0).
  int port() const;

  // SIGHUP: the policy, callers file and revocation list are read again,
  // each kept when its new version has errors.
  void Reload();

  // Reports NOT_SERVING, ends open watches and stops taking calls, letting
  // calls in progress finish within `grace`. Idempotent and callable from
  // any thread; Wait() returns afterwards.
  void Stop(absl::Duration grace);

  // Blocks until Stop() has completed the shutdown of the gRPC server.
  void Wait();

 private:
  struct Parts;
  explicit Server(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
};

}  // namespace hedui::server

#endif  // HEDUI_SERVER_APP_SERVER_H_
