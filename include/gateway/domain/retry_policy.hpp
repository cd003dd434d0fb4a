#pragma once
// When to try a study again after a transient failure: pure arithmetic, no clock.
#include <chrono>
#include <optional>

namespace gw::domain {

/// Exponential backoff with full jitter, from `initial` doubling up to `max`; a server's
/// Retry-After wins but is capped by `max`. Value type.
struct RetryPolicy {
  std::chrono::milliseconds initial{1'000};
  std::chrono::milliseconds max{300'000};

  /// The wait before attempt number `failed_attempts + 1`. `unit_random` is uniform in
  /// [0, 1): injected so that tests are exact.
  std::chrono::milliseconds delay(int failed_attempts,
                                  std::optional<std::chrono::milliseconds> retry_after,
                                  double unit_random) const;

  bool operator==(const RetryPolicy&) const = default;
};

}  // namespace gw::domain
