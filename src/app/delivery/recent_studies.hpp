#pragma once
// The studies the intake recorded most recently: their next instances need not ask the
// registry whether the study is known (one read transaction per instance saved). A miss
// only costs that question; a study forgotten meanwhile is caught by the registry itself
// (record_instance answers unknown_study).
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace gw::app {

/// A bounded set of StudyInstanceUIDs, oldest dropped first. Thread-safe.
class RecentStudies {
 public:
  explicit RecentStudies(std::size_t capacity = 256) : capacity_(capacity) {}

  bool contains(const std::string& uid) const {
    std::lock_guard lock(mutex_);
    return set_.count(uid) != 0;
  }

  void add(const std::string& uid) {
    std::lock_guard lock(mutex_);
    if (!set_.insert(uid).second) return;
    order_.push_back(uid);
    if (order_.size() > capacity_) {
      set_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> set_;
  std::deque<std::string> order_;
};

}  // namespace gw::app
