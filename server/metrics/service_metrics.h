#ifndef HEDUI_SERVER_METRICS_SERVICE_METRICS_H_
#define HEDUI_SERVER_METRICS_SERVICE_METRICS_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "server/metrics/metric_registry.h"

namespace hedui::server::metrics {

// The metrics the service updates on its call path (the rest are collected
// at scrape time: see ops_collectors.h). Names are documented in README.md
// ("Reading the metrics") and used by deploy/prometheus/rules.yml.
struct ServiceMetrics {
  explicit ServiceMetrics(Registry& registry);

  Family<Counter>& requests;           // {method, code}
  Family<Histogram>& request_seconds;  // {method}
  Family<Counter>& verdicts;           // {program, verdict}
  Family<Counter>& ingest_rows;        // {department}
  Family<Counter>& ingest_rejected;    // {department}
};

// Counts every RPC the server answers (Hedui's services, health, reflection)
// by method and status code, and times it from arrival to status; for a
// stream, the whole stream.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(ServiceMetrics* metrics);

// "OK", "INVALID_ARGUMENT", ...: the label Prometheus users expect.
const char* StatusCodeName(int code);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_SERVICE_METRICS_H_
