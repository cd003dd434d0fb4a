#pragma once
// The gateway's metric names in one place: their help texts, and the gauges that are
// computed when Prometheus scrapes rather than kept up to date on every event.
#include <filesystem>
#include <functional>

namespace gw::registry {
class StudyRegistry;
}

namespace gw::app {

/// Declares every family with its help text, and the usual label values at zero, so that a
/// first scrape (and an alert rule) sees them before the first event. Call once at start-up.
void describe_gateway_metrics();

/// What the scrape-time gauges are read from; all must outlive the metrics registry's use.
struct ScrapeSources {
  registry::StudyRegistry* registry = nullptr;
  std::filesystem::path spool_dir;
  std::function<unsigned()> open_associations;
};

/// Registers a collector that sets studies by state, the oldest pending study's age, free
/// spool bytes and open associations at each scrape (on the scraping thread).
void collect_at_scrape(ScrapeSources sources);

/// Seconds since the oldest study still waiting to be registered (pending or in flight) was
/// first seen; 0 when none waits. Reads the registry.
double oldest_pending_age_seconds(registry::StudyRegistry& registry);

/// The file system holding the spool, read once (statvfs). Value type.
struct SpoolSpace {
  bool known = false;  // false: the folder could not be read
  double free = 0;     // bytes available to the gateway
  double total = 0;    // the file system's size
  /// Under 5% free: /readyz fails and the spool_nearly_full alarm is raised.
  bool nearly_full() const { return known && total > 0 && free < 0.05 * total; }
};
SpoolSpace spool_space(const std::filesystem::path& dir);

}  // namespace gw::app
