#pragma once
// /readyz: whether the gateway can do its job right now, and if not, why.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

namespace gw::registry {
class StudyRegistry;
}
namespace gw::metrics {
class GatewayMetrics;
}

namespace gw::app {

/// Read on the io thread (scrapes); set_* may be called from any thread. The registry and the
/// metrics (which know the last registration) must outlive it.
class Readiness {
 public:
  Readiness(registry::StudyRegistry& registry, const metrics::GatewayMetrics& metrics,
            std::filesystem::path spool_dir,
            std::chrono::milliseconds alarm_after);

  void set_listening(bool listening) noexcept { listening_ = listening; }
  void set_alarm_after(std::chrono::milliseconds alarm_after) noexcept {
    alarm_after_ms_ = alarm_after.count();
  }

  /// "" when ready; otherwise the first reason found: the DICOM port is not listening, the
  /// state database is not writable or does not answer, the spool is nearly full (under 5% free), or studies have
  /// waited longer than alarm_after while nothing could be registered for that long.
  std::string not_ready_reason() const;

 private:
  /// The spool's and the waiting studies' reasons (not_ready_reason() after the store's).
  std::string waiting_reason() const;

  registry::StudyRegistry& registry_;
  const metrics::GatewayMetrics& metrics_;
  std::filesystem::path spool_dir_;
  std::atomic<std::int64_t> alarm_after_ms_;
  std::atomic<bool> listening_{false};
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

}  // namespace gw::app
