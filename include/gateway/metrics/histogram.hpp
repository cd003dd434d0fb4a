#pragma once
// A distribution in fixed buckets (Prometheus histogram), e.g. request latency in seconds.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace gw::metrics {

/// Thread-safe; the bucket bounds are fixed at creation. Owned by the registry, never
/// destroyed. A scrape may see a count and a sum from slightly different moments, which
/// Prometheus tolerates.
class Histogram {
 public:
  /// `bounds`: the upper bounds of the buckets, ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void observe(double v) noexcept;

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Cumulative count of observations <= bounds()[i]; i == bounds().size() is +Inf.
  std::uint64_t cumulative(std::size_t i) const noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

  /// Latency buckets from 5 ms to 60 s.
  static std::vector<double> latency_seconds();

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; one per bound
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

}  // namespace gw::metrics
