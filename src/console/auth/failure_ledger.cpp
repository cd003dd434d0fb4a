#include "failure_ledger.hpp"

#include <algorithm>

namespace gw::console {

FailureLedger::FailureLedger(const ThrottleSettings& settings) : settings_(settings) {
  settings_.max_entries = std::max<std::size_t>(settings_.max_entries, 1);
}

bool FailureLedger::forgotten(const Entry& entry, TimePoint now) const {
  return now - entry.last_failure >= settings_.window;
}

std::chrono::seconds FailureLedger::delay_after(unsigned failures) const {
  // failures == free_failures waits first_delay; each one more doubles it, up to max_delay.
  // Doubling stops once past the cap, so the shift never overflows.
  std::chrono::seconds delay = settings_.first_delay;
  for (unsigned extra = settings_.free_failures; extra < failures && delay < settings_.max_delay;
       ++extra) {
    delay *= 2;
  }
  return std::min(delay, settings_.max_delay);
}

std::optional<std::chrono::seconds> FailureLedger::wait(std::string_view key, TimePoint now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end() || forgotten(it->second, now)) return std::nullopt;
  const Entry& entry = it->second;
  if (entry.failures < settings_.free_failures) return std::nullopt;
  const TimePoint until = entry.last_failure + delay_after(entry.failures);
  if (now >= until) return std::nullopt;
  // Rounded up: "Retry-After: 0" while still refused would invite a busy loop.
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void FailureLedger::record_failure(std::string_view key, TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= settings_.max_entries) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(key);
    it = entries_.emplace(recency_.front(), Entry{0, now, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  Entry& entry = it->second;
  if (forgotten(entry, now)) entry.failures = 0;
  ++entry.failures;
  entry.last_failure = std::max(entry.last_failure, now);
}

void FailureLedger::forget(std::string_view key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

}  // namespace gw::console
