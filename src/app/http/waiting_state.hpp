#pragma once
// Facts read on demand by /readyz, the alarms, the console's status and the scrape: the
// spool's free space and how long the oldest study has waited.
#include <filesystem>

namespace gw::registry {
class StudyRegistry;
}

namespace gw::app {

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
