#include "login_throttle.hpp"

#include <algorithm>

namespace gw::console {

LoginThrottle::LoginThrottle(ThrottleSettings settings)
    : by_address_(settings), by_user_(settings) {}

std::optional<std::chrono::seconds> LoginThrottle::retry_after(std::string_view address,
                                                               std::string_view user,
                                                               TimePoint now) const {
  const std::lock_guard lock(mutex_);
  const auto address_wait = by_address_.wait(address, now);
  const auto user_wait = by_user_.wait(user, now);
  if (!address_wait) return user_wait;
  if (!user_wait) return address_wait;
  return std::max(*address_wait, *user_wait);
}

void LoginThrottle::record_failure(std::string_view address, std::string_view user, TimePoint now) {
  const std::lock_guard lock(mutex_);
  by_address_.record_failure(address, now);
  by_user_.record_failure(user, now);
}

void LoginThrottle::record_success(std::string_view /*address*/, std::string_view user) {
  const std::lock_guard lock(mutex_);
  by_user_.forget(user);
}

}  // namespace gw::console
