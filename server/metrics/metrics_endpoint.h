#ifndef HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_
#define HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/metrics/metric_registry.h"

namespace httplib {
class Server;
}

namespace hedui::server::metrics {

// GET /metrics on its own port, plain HTTP as Prometheus scrapes it; the
// figures are aggregates without personal data. Serves until destroyed.
class MetricsEndpoint {
 public:
  // `listen` is HOST:PORT (port 0: any free port).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, const Registry* registry);
  ~MetricsEndpoint();
  int port() const { return port_; }

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_
