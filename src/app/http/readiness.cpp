#include "readiness.hpp"

#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/registry/study_registry.hpp"
#include "waiting_state.hpp"

namespace gw::app {
namespace {

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

Readiness::Readiness(registry::StudyRegistry& registry, const metrics::GatewayMetrics& metrics,
                     std::filesystem::path spool_dir,
                     std::chrono::milliseconds alarm_after)
    : registry_(registry),
      metrics_(metrics),
      spool_dir_(std::move(spool_dir)),
      alarm_after_ms_(alarm_after.count()) {}

std::string Readiness::not_ready_reason() const {
  if (!listening_) return "the DICOM port is not listening";
  try {
    if (std::string reason = registry_.unavailable_reason(); !reason.empty()) return reason;
    return waiting_reason();
  } catch (const std::exception& e) {
    // The store's last probe still said fine, but the database went since: not ready now.
    std::string cause = e.what();
    if (cause.starts_with("state database: ")) cause.erase(0, 16);
    return "the state database does not answer: " + cause;
  }
}

std::string Readiness::waiting_reason() const {
  const SpoolSpace space = spool_space(spool_dir_);
  if (!space.known) return "the spool is not accessible";
  if (space.nearly_full()) return "the spool is nearly full (under 5% free)";
  const double alarm_after = static_cast<double>(alarm_after_ms_.load()) / 1000.0;
  const double waiting = oldest_pending_age_seconds(registry_);
  if (waiting > alarm_after) {
    // None since start: measured from the start, so a fresh gateway is given alarm_after.
    const double last = metrics_.last_registration().value_or(seconds_since_epoch(started_));
    if (seconds_since_epoch(std::chrono::system_clock::now()) - last > alarm_after) {
      return "nothing could be registered for " + std::to_string(static_cast<long>(alarm_after)) +
             " s while studies wait";
    }
  }
  return {};
}

}  // namespace gw::app
