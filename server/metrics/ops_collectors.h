#ifndef HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_
#define HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_

#include "server/metrics/metric_registry.h"
#include "server/metrics/server_status.h"

namespace hedui::server::metrics {

// Gauges read when Prometheus scrapes: calls in flight and refused, each
// department's data age against the policy's maximum, the audit chain's
// length and last check, certificate expiry (all from ReadServerStatus),
// and RocksDB figures.
void AddOpsCollectors(Registry& registry, OpsSources sources);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_OPS_COLLECTORS_H_
