#pragma once
// Events in the last minute, counted per second: the overview's rates, without a query.
#include <array>
#include <cstdint>

namespace gw::console {

/// io thread only. Seconds are wall-clock seconds since the epoch, passed in.
class RateMeter {
 public:
  void add(std::int64_t second) {
    Slot& slot = slots_[static_cast<std::size_t>(second % 60)];
    if (slot.second != second) slot = {second, 0};
    ++slot.count;
  }
  /// Events in the 60 seconds up to and including `now_second`.
  std::int64_t last_minute(std::int64_t now_second) const {
    std::int64_t total = 0;
    for (const Slot& slot : slots_) {
      if (slot.second > now_second - 60 && slot.second <= now_second) total += slot.count;
    }
    return total;
  }

 private:
  struct Slot {
    std::int64_t second = -1;
    std::int64_t count = 0;
  };
  std::array<Slot, 60> slots_{};
};

}  // namespace gw::console
