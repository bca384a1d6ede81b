#ifndef HEDUI_SERVER_METRICS_SERVICE_METRICS_H_
#define HEDUI_SERVER_METRICS_SERVICE_METRICS_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
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

inline constexpr int kStatusCodes = 17;  // OK .. UNAUTHENTICATED

// One method's request counters (by status code) and latency histogram,
// found once per call instead of by label values twice: building and
// hashing label vectors was most of the per-call cost.
class CallSeries {
 public:
  CallSeries(ServiceMetrics* metrics, std::string method);
  void Record(int code, double seconds);

 private:
  Counter& RequestCounter(int code);

  ServiceMetrics* const metrics_;
  const std::string method_;
  Histogram* const seconds_;
  std::array<std::atomic<Counter*>, kStatusCodes> by_code_{};  // lazily
};

// Each method's CallSeries; the server's methods are few and live as long
// as it does.
class CallSeriesCache {
 public:
  explicit CallSeriesCache(ServiceMetrics* metrics) : metrics_(metrics) {}
  CallSeries* For(absl::string_view method);

 private:
  ServiceMetrics* const metrics_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<CallSeries>> series_
      ABSL_GUARDED_BY(mu_);
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
