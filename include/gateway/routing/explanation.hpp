#pragma once
// Why the rules decided what they did for one study: for `gateway route --explain` and tests.
#include <string>
#include <vector>

#include "gateway/routing/routing_decision.hpp"

namespace gw::routing {

/// How one rule fared against a study. Value type.
struct RuleOutcome {
  std::string rule_name;
  int line = 0;               // where the rule is written
  bool matched = false;
  std::string failed_condition;  // when not matched: the first failing condition and the values seen
  bool ignores = false;       // the rule's action is ignore (else register)
};

/// Every rule's outcome, in order, and the decision `route` would return. Value type.
struct Explanation {
  std::vector<RuleOutcome> rules;
  RoutingDecision decision;
};

}  // namespace gw::routing
