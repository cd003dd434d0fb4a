#pragma once
// The /_sim/ control calls (no auth): how tests and scripts steer a simulator running as a
// separate process, with the same effects as the ViewerSimulator methods.
#include "fault_plan.hpp"
#include "http_types.hpp"
#include "request_log.hpp"
#include "study_store.hpp"
#include "user_directory.hpp"

namespace gw::sim {

/// Routes /_sim/ requests. Holds references to the state it changes, which must outlive it;
/// safe from any thread because that state is.
class ControlRoutes {
 public:
  ControlRoutes(StudyStore& store, UserDirectory& users, FaultPlan& faults, RequestLog& requests);

  /// True for targets this class answers (everything under /_sim/).
  static bool is_control(const Request& request);
  /// Answers one control request; never throws for anything a client can send.
  Response handle(const Request& request) const;

 private:
  Response add_fault(const Request& request) const;
  Response configure(const Request& request) const;
  Response list_requests(const Request& request) const;
  Response add_user(const Request& request) const;

  StudyStore& store_;
  UserDirectory& users_;
  FaultPlan& faults_;
  RequestLog& requests_;
};

}  // namespace gw::sim
