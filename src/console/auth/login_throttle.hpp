#pragma once
// Slows down password guessing at the console: failed logins are counted per client address
// and per user name, and past a few free failures each try waits twice as long as the one
// before. Both counts apply: one address trying many names, and many addresses trying one
// name, are each slowed.
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "failure_ledger.hpp"

namespace gw::console {

/// The throttle for console logins (Basic and form). Thread-safe (one mutex; no I/O under
/// it). Time is passed in as steady_clock, like SessionStore's.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  explicit LoginThrottle(ThrottleSettings settings = {});

  /// nullopt: this attempt may go ahead. Otherwise how long to wait (at least 1 s; for a
  /// Retry-After header), the longer of the address's and the user's. Ask before checking the
  /// password, so a refused attempt costs no hashing. Thread-safe.
  std::optional<std::chrono::seconds> retry_after(std::string_view address, std::string_view user,
                                                  TimePoint now) const;

  /// Counts a failed login against both the address and the user name (known or not, so the
  /// answer does not reveal which names exist). Thread-safe.
  void record_failure(std::string_view address, std::string_view user, TimePoint now);

  /// A successful login clears the user's count. The address's count stays and fades with the
  /// window: one known account must not wash an address that is trying other names.
  /// Thread-safe.
  void record_success(std::string_view address, std::string_view user);

 private:
  mutable std::mutex mutex_;
  FailureLedger by_address_;
  FailureLedger by_user_;
};

}  // namespace gw::console
