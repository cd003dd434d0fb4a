#pragma once
// What arrived at the API, so a test can assert on the gateway's traffic after the fact.
#include <cstdint>
#include <mutex>
#include <vector>

#include "viewer_simulator.hpp"

namespace gw::sim {

/// Thread-safe, append-only (until clear()) record of API requests.
class RequestLog {
 public:
  /// Records a request as it arrives (status 0); returns a ticket for set_status.
  std::uint64_t append(RecordedRequest request);
  /// Fills in the answer's status; a ticket from before clear() is ignored.
  void set_status(std::uint64_t ticket, int status);
  std::vector<RecordedRequest> snapshot() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::uint64_t first_ticket_ = 0;  // the ticket of requests_[0]; tickets never repeat
};

}  // namespace gw::sim
