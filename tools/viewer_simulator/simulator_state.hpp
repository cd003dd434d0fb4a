#pragma once
// Everything the sessions share: the API's state, the faults to inject, the request log.
#include <chrono>
#include <functional>
#include <string>

#include "api_routes.hpp"
#include "control_routes.hpp"
#include "fault_plan.hpp"
#include "request_log.hpp"
#include "study_store.hpp"
#include "user_directory.hpp"

namespace gw::sim {

/// Owned by ViewerSimulator through a shared_ptr that every session also holds, so a session
/// finishing during stop() never outlives it. Thread-safe: each member is, or is immutable.
struct SimulatorState {
  SimulatorState(std::string api_key, std::chrono::milliseconds latency,
                 std::function<void(const std::string&)> log)
      : api(store, users, std::move(api_key)),
        control(store, users, faults, requests),
        latency(latency),
        log(std::move(log)) {}

  StudyStore store;
  UserDirectory users;
  FaultPlan faults;
  RequestLog requests;
  const ApiRoutes api;
  const ControlRoutes control;
  const std::chrono::milliseconds latency;
  const std::function<void(const std::string&)> log;  // may be empty
};

}  // namespace gw::sim
