#pragma once
// When this process started, for process_start_time_seconds (the name and meaning the
// Prometheus client libraries share, so dashboards that show uptime work unchanged).

namespace gw::metrics {

/// Unix seconds: the kernel's start time of this process (/proc/self/stat and /proc/stat's
/// btime); the time of the call when /proc cannot be read.
double process_start_time_seconds();

}  // namespace gw::metrics
