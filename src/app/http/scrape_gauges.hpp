#pragma once
// The series computed when Prometheus scrapes rather than kept up to date on every event:
// studies by state, per-rule routing counts, the oldest pending study's age, the spool's
// space and flushes, open associations, pending commitment reports, readiness and the viewer API's
// breaker and key pause. A prometheus::Collectable that GatewayMetrics::render() collects.
#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace gw::registry {
class StudyRegistry;
}

namespace gw::app {

/// What the scrape-time series are read from; everything must outlive the collectable.
struct ScrapeSources {
  registry::StudyRegistry* registry = nullptr;
  std::filesystem::path spool_dir;
  std::function<unsigned()> open_associations;  // empty: the series is left out
  std::function<bool()> ready;                  // /readyz would answer 200
  std::function<bool()> breaker_open;           // the dispatcher probes one at a time
  std::function<bool()> auth_paused;            // sending paused after a 401/403
  std::function<std::uint64_t()> spool_flushes;  // the spool's shared flushes so far
};

/// Collect() runs on the scraping thread (the io thread, as the sources' readers expect).
class ScrapeGauges final : public prometheus::Collectable {
 public:
  explicit ScrapeGauges(ScrapeSources sources) : sources_(std::move(sources)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  /// Studies by state, rule hits, the oldest waiting, commitments: read from the state.
  std::vector<prometheus::MetricFamily> state_series(registry::StudyRegistry& registry) const;
  /// The spool's space and the process's own gauges.
  void append_local_series(std::vector<prometheus::MetricFamily>& out) const;

  ScrapeSources sources_;
};

}  // namespace gw::app
