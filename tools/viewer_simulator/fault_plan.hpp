#pragma once
// The faults a test has asked for, consumed one request at a time.
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "viewer_simulator.hpp"

namespace gw::sim {

/// Thread-safe list of pending faults; sessions take from it as requests arrive.
class FaultPlan {
 public:
  /// Appends `fault`; a count of 0 is ignored.
  void add(Fault fault);
  void clear();
  /// The first fault matching `target`, with its count used up by one; nullopt: behave.
  std::optional<Fault> take(std::string_view target);

 private:
  std::mutex mutex_;
  std::vector<Fault> faults_;
};

}  // namespace gw::sim
