#pragma once
// A value that goes up and down (Prometheus gauge), set where it changes or at scrape time.
#include <atomic>

namespace gw::metrics {

/// Thread-safe; owned by the registry and never destroyed, so references stay valid.
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace gw::metrics
