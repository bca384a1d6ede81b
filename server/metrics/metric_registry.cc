#include "server/metrics/metric_registry.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hedui::server::metrics {
namespace {

std::string LabelText(const std::vector<std::string>& names,
                      const std::vector<std::string>& values,
                      const std::string& extra = "") {
  std::string text;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    absl::StrAppend(&text, text.empty() ? "" : ",", names[i], "=\"",
                    EscapeLabelValue(values[i]), "\"");
  }
  if (!extra.empty()) absl::StrAppend(&text, text.empty() ? "" : ",", extra);
  return text.empty() ? "" : absl::StrCat("{", text, "}");
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return absl::StrFormat("%.17g", value);
}

void Header(std::string& out, const std::string& name, const std::string& help,
            const char* type) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
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

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<int64_t>(std::llround(value * 1e6)),
                       std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> cumulative(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    cumulative[i] = running;
  }
  return cumulative;
}

double Histogram::sum() const {
  return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
}

void GaugeWriter::Declare(const std::string& name, const std::string& help) {
  Header(text_, name, help, "gauge");
}

void GaugeWriter::DeclareCounter(const std::string& name,
                                 const std::string& help) {
  Header(text_, name, help, "counter");
}

void GaugeWriter::Sample(const std::string& name,
                         const std::vector<std::string>& labels,
                         const std::vector<std::string>& values, double value) {
  absl::StrAppend(&text_, name, LabelText(labels, values), " ", Number(value),
                  "\n");
}

Family<Counter>& Registry::AddCounter(const std::string& name,
                                      const std::string& help,
                                      std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  counters_.push_back(
      {name, help, std::make_unique<Family<Counter>>(std::move(labels), [] {
         return std::make_unique<Counter>();
       })});
  return *counters_.back().family;
}

Family<Histogram>& Registry::AddHistogram(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> labels,
                                          const std::vector<double>& bounds) {
  absl::MutexLock lock(&mu_);
  histograms_.push_back(
      {name, help,
       std::make_unique<Family<Histogram>>(std::move(labels), [bounds] {
         return std::make_unique<Histogram>(bounds);
       })});
  return *histograms_.back().family;
}

void Registry::AddCollector(std::function<void(GaugeWriter&)> collect) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const CounterEntry& entry : counters_) {
    Header(out, entry.name, entry.help, "counter");
    const std::vector<std::string>& names = entry.family->label_names();
    entry.family->ForEach(
        [&](const std::vector<std::string>& values, const Counter& counter) {
          absl::StrAppend(&out, entry.name, LabelText(names, values), " ",
                          counter.value(), "\n");
        });
  }
  for (const HistogramEntry& entry : histograms_) {
    Header(out, entry.name, entry.help, "histogram");
    const std::vector<std::string>& names = entry.family->label_names();
    entry.family->ForEach([&](const std::vector<std::string>& values,
                              const Histogram& histogram) {
      const std::vector<uint64_t> counts = histogram.CumulativeCounts();
      for (size_t i = 0; i < counts.size(); ++i) {
        const std::string le = i < histogram.bounds().size()
                                   ? Number(histogram.bounds()[i])
                                   : "+Inf";
        absl::StrAppend(
            &out, entry.name, "_bucket",
            LabelText(names, values, absl::StrCat("le=\"", le, "\"")), " ",
            counts[i], "\n");
      }
      absl::StrAppend(&out, entry.name, "_sum", LabelText(names, values), " ",
                      Number(histogram.sum()), "\n", entry.name, "_count",
                      LabelText(names, values), " ", counts.back(), "\n");
    });
  }
  for (const auto& collect : collectors_) {
    GaugeWriter writer;
    collect(writer);
    out += writer.text();
  }
  return out;
}

}  // namespace hedui::server::metrics
