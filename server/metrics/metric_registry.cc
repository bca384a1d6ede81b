#include "server/metrics/metric_registry.h"

#include <cmath>
#include <sstream>
#include <utility>

#include "prometheus/client_metric.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace hedui::server::metrics {
namespace {

prometheus::Labels LabelMap(const std::vector<std::string>& names,
                            const std::vector<std::string>& values) {
  prometheus::Labels labels;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    labels.emplace(names[i], values[i]);
  }
  return labels;
}

std::string Serialize(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Counter::Counter()
    : owned_(std::make_unique<prometheus::Counter>()), counter_(owned_.get()) {}

Counter::Counter(prometheus::Counter* counter) : counter_(counter) {}

Counter::~Counter() = default;

void Counter::Add(uint64_t n) { counter_->Increment(static_cast<double>(n)); }

uint64_t Counter::value() const {
  return static_cast<uint64_t>(counter_->Value());
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      owned_(std::make_unique<prometheus::Histogram>(bounds_)),
      histogram_(owned_.get()) {}

Histogram::Histogram(prometheus::Histogram* histogram,
                     std::vector<double> bounds)
    : bounds_(std::move(bounds)), histogram_(histogram) {}

Histogram::~Histogram() = default;

void Histogram::Observe(double value) { histogram_->Observe(value); }

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  const prometheus::ClientMetric collected = histogram_->Collect();
  std::vector<uint64_t> cumulative;
  for (const auto& bucket : collected.histogram.bucket) {
    cumulative.push_back(bucket.cumulative_count);
  }
  return cumulative;
}

double Histogram::sum() const {
  return histogram_->Collect().histogram.sample_sum;
}

GaugeWriter::GaugeWriter() = default;
GaugeWriter::~GaugeWriter() = default;

void GaugeWriter::Declare(const std::string& name, const std::string& help) {
  families_.push_back({name, help, prometheus::MetricType::Gauge, {}});
}

void GaugeWriter::DeclareCounter(const std::string& name,
                                 const std::string& help) {
  families_.push_back({name, help, prometheus::MetricType::Counter, {}});
}

void GaugeWriter::Sample(const std::string& name,
                         const std::vector<std::string>& labels,
                         const std::vector<std::string>& values, double value) {
  // The family declared last, as collectors write them; a sample of an
  // undeclared name still comes out, untyped.
  prometheus::MetricFamily* family = nullptr;
  for (auto it = families_.rbegin(); it != families_.rend(); ++it) {
    if (it->name == name) {
      family = &*it;
      break;
    }
  }
  if (family == nullptr) {
    families_.push_back({name, name, prometheus::MetricType::Untyped, {}});
    family = &families_.back();
  }
  prometheus::ClientMetric metric;
  for (size_t i = 0; i < labels.size() && i < values.size(); ++i) {
    metric.label.push_back({labels[i], values[i]});
  }
  switch (family->type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      metric.gauge.value = value;
      break;
    default:
      metric.untyped.value = value;
      break;
  }
  family->metric.push_back(std::move(metric));
}

std::string& GaugeWriter::text() {
  text_ = Serialize(families_);
  return text_;
}

std::vector<prometheus::MetricFamily> GaugeWriter::TakeFamilies() {
  std::vector<prometheus::MetricFamily> taken;
  for (prometheus::MetricFamily& family : families_) {
    // A HELP and TYPE without a sample tell a scraper nothing.
    if (!family.metric.empty()) taken.push_back(std::move(family));
  }
  families_.clear();
  return taken;
}

// What one scrape collects: the registered families (prometheus-cpp's
// registry) and then each collector's gauges.
class Registry::Exposition : public prometheus::Collectable {
 public:
  explicit Exposition(std::shared_ptr<prometheus::Registry> registry)
      : registry_(std::move(registry)) {}

  void Add(std::function<void(GaugeWriter&)> collect) {
    absl::MutexLock lock(&mu_);
    collectors_.push_back(std::move(collect));
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families = registry_->Collect();
    absl::MutexLock lock(&mu_);
    for (const auto& collect : collectors_) {
      GaugeWriter writer;
      collect(writer);
      for (prometheus::MetricFamily& family : writer.TakeFamilies()) {
        families.push_back(std::move(family));
      }
    }
    return families;
  }

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  mutable absl::Mutex mu_;
  std::vector<std::function<void(GaugeWriter&)>> collectors_
      ABSL_GUARDED_BY(mu_);
};

Registry::Registry()
    : registry_(std::make_shared<prometheus::Registry>()),
      exposition_(std::make_shared<Exposition>(registry_)) {}

Registry::~Registry() = default;

Family<Counter>& Registry::AddCounter(const std::string& name,
                                      const std::string& help,
                                      std::vector<std::string> labels) {
  prometheus::Family<prometheus::Counter>* family =
      &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  absl::MutexLock lock(&mu_);
  counters_.push_back(std::make_unique<Family<Counter>>(
      labels, [family, labels](const std::vector<std::string>& values) {
        return std::make_unique<Counter>(
            &family->Add(LabelMap(labels, values)));
      }));
  return *counters_.back();
}

Family<Histogram>& Registry::AddHistogram(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> labels,
                                          const std::vector<double>& bounds) {
  prometheus::Family<prometheus::Histogram>* family =
      &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  absl::MutexLock lock(&mu_);
  histograms_.push_back(std::make_unique<Family<Histogram>>(
      labels, [family, labels, bounds](const std::vector<std::string>& values) {
        return std::make_unique<Histogram>(
            &family->Add(LabelMap(labels, values), bounds), bounds);
      }));
  return *histograms_.back();
}

void Registry::AddCollector(std::function<void(GaugeWriter&)> collect) {
  exposition_->Add(std::move(collect));
}

std::string Registry::Render() const {
  return Serialize(exposition_->Collect());
}

std::shared_ptr<prometheus::Collectable> Registry::collectable() const {
  return exposition_;
}

}  // namespace hedui::server::metrics
