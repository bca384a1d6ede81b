#ifndef HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_
#define HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_

// Hedui's metrics on Debian's prometheus-cpp (core: counters, histograms,
// the text exposition; pull: the /metrics endpoint, metrics_endpoint.h).
// This header keeps the small interface the services were written against
// (families found by label values in order, scrape-time collectors writing
// gauges) so that they need not know the library; underneath, every sample
// is a prometheus-cpp metric and every scrape goes through its serializer.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace prometheus {
class Collectable;
class Counter;
class Histogram;
class Registry;
struct MetricFamily;
}  // namespace prometheus

namespace hedui::server::metrics {

class Counter {
 public:
  // A counter of its own, outside any registry.
  Counter();
  // One series of a registered family; `counter` outlives this.
  explicit Counter(prometheus::Counter* counter);
  ~Counter();
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Add(uint64_t n = 1);
  uint64_t value() const;

 private:
  std::unique_ptr<prometheus::Counter> owned_;
  prometheus::Counter* const counter_;
};

class Histogram {
 public:
  // A histogram of its own, outside any registry.
  explicit Histogram(std::vector<double> bounds);
  // One series of a registered family; `histogram` outlives this.
  Histogram(prometheus::Histogram* histogram, std::vector<double> bounds);
  ~Histogram();
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf; and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<prometheus::Histogram> owned_;
  prometheus::Histogram* const histogram_;
};

// A metric with named labels; each combination of label values is created
// on first use and lives as long as the family (label values must come from
// small closed sets: methods, codes, programs, departments). The handles
// are kept here by the values in order, so a caller holding a Counter& or
// Histogram& updates the prometheus-cpp series without a lookup.
template <typename Metric>
class Family {
 public:
  // `make` creates the series for label values (in label_names' order).
  Family(std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>(const std::vector<std::string>&)>
             make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  Metric& WithLabels(const std::vector<std::string>& values) {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<Metric>& slot = metrics_[values];
    if (slot == nullptr) slot = make_(values);
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
  const std::function<std::unique_ptr<Metric>(const std::vector<std::string>&)>
      make_;
  mutable absl::Mutex mu_;
  absl::node_hash_map<std::vector<std::string>, std::unique_ptr<Metric>>
      metrics_ ABSL_GUARDED_BY(mu_);
};

// What a collector writes at scrape time: gauge (and externally kept
// counter) samples, as prometheus-cpp metric families.
class GaugeWriter {
 public:
  GaugeWriter();
  ~GaugeWriter();
  // Declares the gauge (once per scrape, before its samples).
  void Declare(const std::string& name, const std::string& help);
  // A counter kept elsewhere (e.g. by the call gate), read at scrape time.
  void DeclareCounter(const std::string& name, const std::string& help);
  void Sample(const std::string& name, const std::vector<std::string>& labels,
              const std::vector<std::string>& values, double value);
  void Sample(const std::string& name, double value) {
    Sample(name, {}, {}, value);
  }
  // The exposition text of what was written so far.
  std::string& text();
  // What was written, families without samples left out.
  std::vector<prometheus::MetricFamily> TakeFamilies();

 private:
  std::vector<prometheus::MetricFamily> families_;
  std::string text_;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> labels);
  Family<Histogram>& AddHistogram(const std::string& name,
                                  const std::string& help,
                                  std::vector<std::string> labels,
                                  const std::vector<double>& bounds);
  // Called on every scrape, in the order added.
  void AddCollector(std::function<void(GaugeWriter&)> collect);

  // The exposition text of every metric (prometheus-cpp's TextSerializer).
  std::string Render() const;
  // Every metric, the registered families and the collectors' gauges, as
  // the endpoint's exposer collects them.
  std::shared_ptr<prometheus::Collectable> collectable() const;

 private:
  class Exposition;
  const std::shared_ptr<prometheus::Registry> registry_;
  const std::shared_ptr<Exposition> exposition_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_
      ABSL_GUARDED_BY(mu_);
};

// Label value escaped for the exposition format (\\, \" and \n).
std::string EscapeLabelValue(const std::string& value);

}  // namespace hedui::server::metrics

#endif  // HEDUI_SERVER_METRICS_METRIC_REGISTRY_H_
