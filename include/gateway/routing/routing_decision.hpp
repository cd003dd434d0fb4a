#pragma once
#include <string>
#include <vector>

#include "gateway/domain/registration_request.hpp"

namespace gw::routing {

/// What the rules decided for one study. Value type.
struct RoutingDecision {
  enum class Action { register_study, ignore };

  std::string rule_name;  // the rule that matched, or "default"
  Action action = Action::register_study;
  RegistrationRequest request;  // what would be sent; filled for ignored studies too
  // Problems met while building `request`, worth logging: a templated id that expanded to an
  // invalid value (dropped), a metadata value truncated to the viewer's limit.
  std::vector<std::string> warnings;
};

}  // namespace gw::routing
