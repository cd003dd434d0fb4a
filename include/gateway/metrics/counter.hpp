#pragma once
// A monotonically increasing count (Prometheus counter): one atomic, no lock on the hot path.
#include <atomic>
#include <cstdint>

namespace gw::metrics {

/// Thread-safe; owned by the registry and never destroyed, so references stay valid.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace gw::metrics
