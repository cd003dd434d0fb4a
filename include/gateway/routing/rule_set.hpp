#pragma once
// The compiled routing rules: maps a study's facts to what the gateway does with it.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/domain/study_facts.hpp"
#include "gateway/routing/explanation.hpp"
#include "gateway/routing/routing_decision.hpp"

namespace gw::routing {

namespace detail {
struct Program;  // the compiled rules; defined in src/routing
}

/// Ordered rules plus a default. Immutable after load and shared by pointer; every member is
/// const and safe to call from any thread at once (hit counters are relaxed atomics).
/// The ids of one kind a rule set can send (RuleSet::customer_ids, RuleSet::user_ids). Value type.
struct CustomerIds {
  std::set<std::string> listed;              // literals, and every value of the tables used
  std::vector<std::string> from_attributes;  // rules whose id is built from attributes: unlisted
};
using UserIds = CustomerIds;

class RuleSet {
 public:
  /// Built by compile_rules (rule_compiler.hpp) or config::load_routing.
  explicit RuleSet(std::unique_ptr<detail::Program> program);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  /// The first matching rule's decision, else the default's; counts the hit.
  RoutingDecision route(const StudyFacts& facts) const;
  /// Every rule's outcome (matched, or its first failing condition) and the decision. No counting.
  Explanation explain(const StudyFacts& facts) const;
  /// Every facts key a rule or template reads (keywords, 8-hex tags, calling_ae...), sorted, unique.
  std::vector<std::string> attribute_keys() const;
  /// Rule name → hits since load: the rules in order, then "default".
  std::vector<std::pair<std::string, std::uint64_t>> hit_counts() const;
  /// The number of rules, not counting the default.
  std::size_t size() const;
  /// Whether the default (the decision when no rule matches) ignores studies.
  bool default_ignores() const;
  /// Every express_customer_id a registering rule (or the default) can produce.
  CustomerIds customer_ids() const;
  /// Every assigned_to (usr_ id) a registering rule (or the default) can produce.
  UserIds user_ids() const;

 private:
  std::unique_ptr<detail::Program> program_;
};

}  // namespace gw::routing
