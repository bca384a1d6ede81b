#include "server/metrics/service_metrics.h"

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/security/authorize.h"

namespace hedui::server::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

// From 0.5 ms (a cached lookup) to 10 s (a large batch or ingest).
std::vector<double> LatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(CallSeries* series)
      : series_(series), start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      series_->Record(methods->GetSendStatus().error_code(),
                      absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  CallSeries* const series_;
  const absl::Time start_;
};

class MetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(ServiceMetrics* metrics)
      : series_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(series_.For(info->method()));
  }

 private:
  CallSeriesCache series_;
};

}  // namespace

ServiceMetrics::ServiceMetrics(Registry& registry)
    : requests(registry.AddCounter(
          "hedui_grpc_requests_total",
          "RPCs answered, by full method name and gRPC status code",
          {"method", "code"})),
      request_seconds(registry.AddHistogram(
          "hedui_grpc_request_duration_seconds",
          "Time from a call's arrival to its status (a stream: all of it)",
          {"method"}, LatencyBounds())),
      verdicts(registry.AddCounter(
          "hedui_verdicts_total",
          "Verification reports produced, by program and verdict",
          {"program", "verdict"})),
      ingest_rows(registry.AddCounter(
          "hedui_ingest_rows_total",
          "Department feed rows applied (durably), by department",
          {"department"})),
      ingest_rejected(registry.AddCounter(
          "hedui_ingest_rejected_files_total",
          "Department feed files refused whole (invalid rows, too small)",
          {"department"})) {}

CallSeries::CallSeries(ServiceMetrics* metrics, std::string method)
    : metrics_(metrics),
      method_(std::move(method)),
      seconds_(&metrics->request_seconds.WithLabels({method_})) {}

void CallSeries::Record(int code, double seconds) {
  RequestCounter(code).Add();
  seconds_->Observe(seconds);
}

Counter& CallSeries::RequestCounter(int code) {
  if (code < 0 || code >= kStatusCodes) {
    return metrics_->requests.WithLabels({method_, "OTHER"});
  }
  Counter* counter = by_code_[code].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Two threads may both look it up: the family returns the same one.
    counter = &metrics_->requests.WithLabels({method_, StatusCodeName(code)});
    by_code_[code].store(counter, std::memory_order_release);
  }
  return *counter;
}

// Hedui serves 16 methods, health and reflection a few more.
constexpr size_t kMaxSeries = 64;

CallSeries* CallSeriesCache::For(absl::string_view method) {
  // The method name is the caller's to choose, authenticated or not: one
  // series per name sent would grow without bound. Methods the server does
  // not serve share one.
  if (security::FindMethodPolicy(method) == nullptr) method = "(unknown)";
  absl::MutexLock lock(&mu_);
  // A service the table admits whole ("/grpc.health.v1.Health/*") admits
  // any method name under it too.
  if (series_.size() >= kMaxSeries && series_.find(method) == series_.end()) {
    method = "(other)";
  }
  std::unique_ptr<CallSeries>& series = series_[method];
  if (series == nullptr) {
    series = std::make_unique<CallSeries>(metrics_, std::string(method));
  }
  return series.get();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(ServiceMetrics* metrics) {
  return std::make_unique<MetricsInterceptorFactory>(metrics);
}

const char* StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "OTHER";
  return kNames[code];
}

}  // namespace hedui::server::metrics
