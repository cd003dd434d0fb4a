#include "gateway/metrics/histogram.hpp"

#include <algorithm>

namespace gw::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double v) noexcept {
  // Per-bucket (not cumulative) counts keep observe() to one increment; render() sums.
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  if (it != bounds_.end()) {
    buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const noexcept {
  if (i >= bounds_.size()) return count();
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i; ++b) total += buckets_[b].load(std::memory_order_relaxed);
  return total;
}

std::vector<double> Histogram::latency_seconds() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace gw::metrics
