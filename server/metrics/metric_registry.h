#ifndef HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_
#define HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_

// Metrics in the Prometheus text exposition format (version 0.0.4). Debian
// packages no Prometheus client library for C++, so this is the small part
// Hedui needs: counters, gauges and histograms with labels, updated with
// atomics on the call path, and collectors that read figures (RocksDB
// properties, data ages) only when scraped.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace hedui::server::metrics {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf; and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  // Sum in microunits: an integer adds without a compare-and-swap loop.
  std::atomic<int64_t> sum_micro_{0};
};

// A metric with named labels; each combination of label values is created
// on first use and lives as long as the family (label values must come from
// small closed sets: methods, codes, programs, departments).
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  Metric& WithLabels(const std::vector<std::string>& values) {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<Metric>& slot = metrics_[values];
    if (slot == nullptr) slot = make_();
    return *slot;
  }

  template <typename Visit>
  void ForEach(Visit visit) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [values, metric] : metrics_) visit(values, *metric);
  }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable absl::Mutex mu_;
  absl::node_hash_map<std::vector<std::string>, std::unique_ptr<Metric>>
      metrics_ ABSL_GUARDED_BY(mu_);
};

// What a collector writes at scrape time: gauge samples.
class GaugeWriter {
 public:
  // Declares the gauge (once per scrape, before its samples).
  void Declare(const std::string& name, const std::string& help);
  // A counter kept elsewhere (e.g. by the call gate), read at scrape time.
  void DeclareCounter(const std::string& name, const std::string& help);
  void Sample(const std::string& name, const std::vector<std::string>& labels,
              const std::vector<std::string>& values, double value);
  void Sample(const std::string& name, double value) {
    Sample(name, {}, {}, value);
  }
  std::string& text() { return text_; }

 private:
  std::string text_;
};

class Registry {
 public:
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> labels);
  Family<Histogram>& AddHistogram(const std::string& name,
                                  const std::string& help,
                                  std::vector<std::string> labels,
                                  const std::vector<double>& bounds);
  // Called on every scrape, in the order added.
  void AddCollector(std::function<void(GaugeWriter&)> collect);

  // The exposition text of every metric.
  std::string Render() const;

 private:
  struct CounterEntry {
    std::string name, help;
    std::unique_ptr<Family<Counter>> family;
  };
  struct HistogramEntry {
    std::string name, help;
    std::unique_ptr<Family<Histogram>> family;
  };
  mutable absl::Mutex mu_;
  std::vector<CounterEntry> counters_ ABSL_GUARDED_BY(mu_);
  std::vector<HistogramEntry> histograms_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(GaugeWriter&)>> collectors_
      ABSL_GUARDED_BY(mu_);
};

// Label value escaped for the exposition format (\\, \" and \n).
std::string EscapeLabelValue(const std::string& value);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_
