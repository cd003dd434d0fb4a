#pragma once
// The routing rules in force, replaced whole on reload while workers keep routing.
#include <memory>
#include <mutex>

namespace gw::routing {
class RuleSet;
}

namespace gw::app {

/// Thread-safe holder: workers take a snapshot per study; a reload swaps the pointer, so a
/// study is routed entirely by the old rules or entirely by the new ones.
class LiveRules {
 public:
  explicit LiveRules(std::shared_ptr<const routing::RuleSet> rules) : rules_(std::move(rules)) {}
  std::shared_ptr<const routing::RuleSet> get() const {
    std::lock_guard lock(mutex_);
    return rules_;
  }
  void replace(std::shared_ptr<const routing::RuleSet> rules) {
    std::lock_guard lock(mutex_);
    rules_ = std::move(rules);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const routing::RuleSet> rules_;
};

}  // namespace gw::app
