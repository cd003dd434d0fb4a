#include "gateway/domain/retry_policy.hpp"

#include <algorithm>
#include <cstdint>

namespace gw::domain {

std::chrono::milliseconds RetryPolicy::delay(int failed_attempts,
                                             std::optional<std::chrono::milliseconds> retry_after,
                                             double unit_random) const {
  if (retry_after) return std::min(*retry_after, max);
  // Cap the exponent before shifting: 2^20 × initial is far beyond any sane max.
  const int exponent = std::clamp(failed_attempts - 1, 0, 20);
  const std::chrono::milliseconds ceiling =
      std::min<std::chrono::milliseconds>(max, initial * (std::int64_t{1} << exponent));
  // Full jitter (uniform in [0, ceiling]) spreads a backlog's retries after an outage;
  // the floor of `initial / 2` keeps a tight loop from forming on a failing API.
  const auto jittered = std::chrono::milliseconds(
      static_cast<long long>(static_cast<double>(ceiling.count()) * std::clamp(unit_random, 0.0, 1.0)));
  return std::max(jittered, std::min(initial / 2, ceiling));
}

}  // namespace gw::domain
