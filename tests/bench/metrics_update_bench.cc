// What the metrics add to one Verify on the call path, in process: what the
// interceptor does (find the method's series, count the status code,
// observe the latency) and the verifier's verdict counter, next to the
// plainest way to count the same three figures (three relaxed atomic
// increments on fixed counters).
// Google Benchmark; run by tests/bench/run.sh.
#include <atomic>
#include <string>

#include "benchmark/benchmark.h"
#include "server/metrics/metric_registry.h"
#include "server/metrics/service_metrics.h"

namespace {

using hedui::server::metrics::CallSeriesCache;
using hedui::server::metrics::Registry;
using hedui::server::metrics::ServiceMetrics;

const std::string kMethod = "/hedui.v1.VerificationService/Verify";

void BM_HeduiMetricsPerVerify(benchmark::State& state) {
  static Registry* registry = new Registry;
  static ServiceMetrics* metrics = new ServiceMetrics(*registry);
  static CallSeriesCache* calls = new CallSeriesCache(metrics);
  double seconds = 0.0004;
  for (auto _ : state) {
    calls->For(kMethod)->Record(/*code=*/0, seconds);
    metrics->verdicts.WithLabels({"DIBAO", "MEETS_CRITERIA"}).Add();
    seconds += 1e-9;
  }
}
BENCHMARK(BM_HeduiMetricsPerVerify)->Threads(1)->Threads(2)->Threads(16);

std::atomic<uint64_t> plain_requests{0}, plain_latency_sum{0},
    plain_verdicts{0};

void BM_PlainAtomicsPerVerify(benchmark::State& state) {
  uint64_t micros = 400;
  for (auto _ : state) {
    plain_requests.fetch_add(1, std::memory_order_relaxed);
    plain_latency_sum.fetch_add(micros++, std::memory_order_relaxed);
    plain_verdicts.fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_PlainAtomicsPerVerify)->Threads(1)->Threads(2)->Threads(16);

}  // namespace

BENCHMARK_MAIN();
