#pragma once
// What a RuleSet runs: compiled rules, the default, interned keys and tables.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "assignment.hpp"
#include "condition.hpp"
#include "gateway/routing/rule_set.hpp"
#include "regex_group.hpp"

namespace gw::routing {

/// One compiled rule (or the default, whose match is an empty `all`).
struct CompiledRule {
  std::string name;
  int line = 0;
  Condition match;
  RoutingDecision::Action action = RoutingDecision::Action::register_study;
  Assignment assign;
};

namespace detail {

/// Owned by one RuleSet. Everything but `hits` is immutable after compilation.
struct Program {
  std::vector<std::string> keys;  // every facts key read; conditions and templates index into it
  std::vector<LookupTable> tables;
  std::vector<RegexGroup> regex_groups;  // one per key that regex or glob tests read
  std::vector<CompiledRule> rules;
  CompiledRule fallback;
  std::string default_description;
  // rules.size() + 1 counters, the default's last. Relaxed: they are statistics, not ordering.
  std::unique_ptr<std::atomic<std::uint64_t>[]> hits;
};

}  // namespace detail
}  // namespace gw::routing
