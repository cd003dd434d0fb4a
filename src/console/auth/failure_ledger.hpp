#pragma once
// Failed logins counted per key (a client address, or a user name), with a bound on how many
// keys are remembered. The arithmetic of LoginThrottle, kept apart from its two instances.
#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "string_hash.hpp"

namespace gw::console {

/// How failures turn into a wait. Value type.
struct ThrottleSettings {
  unsigned free_failures = 5;               // failures allowed before any wait
  std::chrono::seconds window{15 * 60};     // failures are forgotten this long after the last
  std::chrono::seconds first_delay{1};      // the wait after failure free_failures; doubles
  std::chrono::seconds max_delay{15 * 60};  // the wait never exceeds this
  std::size_t max_entries = 10'000;         // keys remembered per ledger; the stalest goes first
};

/// Failure counts by key. Not thread-safe: LoginThrottle holds it under its mutex.
class FailureLedger {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit FailureLedger(const ThrottleSettings& settings);

  /// How long `key` must wait from `now`; nullopt when it may try.
  std::optional<std::chrono::seconds> wait(std::string_view key, TimePoint now) const;

  /// Counts one failure for `key` at `now`, evicting the stalest key when full.
  void record_failure(std::string_view key, TimePoint now);

  /// Forgets `key`'s failures.
  void forget(std::string_view key);

  /// How many keys are remembered.
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    unsigned failures = 0;
    TimePoint last_failure;
    std::list<std::string>::iterator recency;  // this key's place in recency_
  };
  using Map = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

  bool forgotten(const Entry& entry, TimePoint now) const;
  std::chrono::seconds delay_after(unsigned failures) const;

  ThrottleSettings settings_;
  Map entries_;
  std::list<std::string> recency_;  // keys, most recent failure first
};

}  // namespace gw::console
