#pragma once
// The process-wide metrics registry: named families of counters, gauges and histograms,
// each series told apart by its labels, rendered in the Prometheus text format.
//
//   metrics::counter("dicom_gateway_instances_received_total").inc();
//   metrics::counter("dicom_gateway_associations_rejected_total", {{"reason", "limit"}}).inc();
//
// No network code here: the HTTP endpoint lives in the app and calls render().
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/metrics/counter.hpp"
#include "gateway/metrics/gauge.hpp"
#include "gateway/metrics/histogram.hpp"

namespace gw::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { counter, gauge, histogram };

/// Thread-safe: lookups take a mutex (they are rare next to the work they count; hold the
/// returned reference to skip it); updates are atomics. Series are never removed, so a
/// returned reference lives as long as the registry.
class Registry {
 public:
  /// Sets the # HELP text of a family (and its type, so it is listed before its first use).
  void describe(std::string_view name, Type type, std::string_view help);

  Counter& counter(std::string_view name, const Labels& labels = {});
  Gauge& gauge(std::string_view name, const Labels& labels = {});
  Histogram& histogram(std::string_view name, const Labels& labels = {},
                       const std::vector<double>& bounds = Histogram::latency_seconds());

  /// Called at the start of every render(), on the rendering thread: for gauges computed
  /// at scrape time (queue age, free space). Must not call render().
  void on_collect(std::function<void()> collector);

  /// Every family, sorted by name, in the Prometheus text exposition format 0.0.4.
  std::string render();

 private:
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;  // exactly one of the three is set, by the family's type
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::map<std::string, Series> series;  // keyed by the rendered label set
  };
  Series& series(std::string_view name, Type type, const Labels& labels,
                 const std::vector<double>* bounds);

  std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void()>> collectors_;
};

/// The registry every module counts into.
Registry& registry();

inline Counter& counter(std::string_view name, const Labels& labels = {}) {
  return registry().counter(name, labels);
}
inline Gauge& gauge(std::string_view name, const Labels& labels = {}) {
  return registry().gauge(name, labels);
}
inline Histogram& histogram(std::string_view name, const Labels& labels = {}) {
  return registry().histogram(name, labels);
}

}  // namespace gw::metrics
