#pragma once
// The registration dispatcher's configurable values (viewer_api.max_in_flight, auth_pause,
// retry.*), with their only defaults. Plain values: config::ViewerApiSettings holds them, the
// dispatcher's settings add the daemon's wiring to them.
#include <chrono>

#include "gateway/domain/retry_policy.hpp"

namespace gw::app {

/// viewer_api.retry: the backoff (initial, max) and when to stop or probe. Value type.
struct DispatchRetry : domain::RetryPolicy {
  std::chrono::milliseconds give_up_after{0};  // 0: retry transient failures forever
  // After this many transient failures in a row the API is presumed down: one request at a
  // time probes it until one succeeds, instead of the whole backlog at max_in_flight.
  unsigned probe_after_failures = 5;

  bool operator==(const DispatchRetry&) const = default;
};

/// Value type.
struct DispatchOptions {
  unsigned max_in_flight = 4;  // also the viewer client's connection pool
  std::chrono::milliseconds auth_pause{300'000};  // after 401/403: the key is wrong or revoked
  DispatchRetry retry;

  bool operator==(const DispatchOptions&) const = default;
};

}  // namespace gw::app
