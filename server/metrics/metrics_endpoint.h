#ifndef HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_
#define HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/metrics/metric_registry.h"

namespace prometheus {
class Exposer;
}

namespace hedui::server::metrics {

// GET /metrics on its own port, plain HTTP as Prometheus scrapes it
// (prometheus-cpp's pull exposer); the figures are aggregates without
// personal data. Serves until destroyed.
class MetricsEndpoint {
 public:
  // `listen` is HOST:PORT (port 0: any free port). `registry` must outlive
  // the endpoint.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, const Registry* registry);
  ~MetricsEndpoint();
  int port() const { return port_; }

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_METRICS_ENDPOINT_H_
