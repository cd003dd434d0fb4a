#pragma once
// The registry stores wall-clock milliseconds; every app component reads them here.
#include <chrono>
#include <functional>

#include "gateway/registry/study_record.hpp"

namespace gw::app {

/// The wall clock as components take it (injected: tests and the simulation own time).
using WallClock = std::function<registry::TimestampMs()>;

inline registry::TimestampMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace gw::app
