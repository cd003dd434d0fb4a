#include "gateway/routing/rule_set.hpp"

#include <algorithm>

#include "program.hpp"

namespace gw::routing {
namespace {

RoutingDecision decide(const CompiledRule& rule, const detail::Program& program,
                       const FactsView& facts) {
  RoutingDecision decision;
  decision.rule_name = rule.name;
  decision.action = rule.action;
  rule.assign.apply(facts, program.tables, program.default_description, decision.request,
                    decision.warnings);
  return decision;
}

}  // namespace

RuleSet::RuleSet(std::unique_ptr<detail::Program> program) : program_(std::move(program)) {}

RuleSet::~RuleSet() = default;

RoutingDecision RuleSet::route(const StudyFacts& facts) const {
  const FactsView view(facts, program_->keys, program_->regex_groups);
  const auto& rules = program_->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].match.evaluate(view)) {
      program_->hits[i].fetch_add(1, std::memory_order_relaxed);
      return decide(rules[i], *program_, view);
    }
  }
  program_->hits[rules.size()].fetch_add(1, std::memory_order_relaxed);
  return decide(program_->fallback, *program_, view);
}

Explanation RuleSet::explain(const StudyFacts& facts) const {
  const FactsView view(facts, program_->keys, program_->regex_groups);
  Explanation out;
  const CompiledRule* chosen = nullptr;
  for (const auto& rule : program_->rules) {
    RuleOutcome outcome{rule.name, rule.line, false, {},
                        rule.action == RoutingDecision::Action::ignore};
    if (auto why = rule.match.failure(view)) {
      outcome.failed_condition = std::move(*why);
    } else {
      outcome.matched = true;
      if (!chosen) chosen = &rule;
    }
    out.rules.push_back(std::move(outcome));
  }
  out.decision = decide(chosen ? *chosen : program_->fallback, *program_, view);
  return out;
}

bool RuleSet::default_ignores() const {
  return program_->fallback.action == RoutingDecision::Action::ignore;
}

std::vector<std::string> RuleSet::attribute_keys() const {
  std::vector<std::string> keys = program_->keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<std::pair<std::string, std::uint64_t>> RuleSet::hit_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const auto& rules = program_->rules;
  out.reserve(rules.size() + 1);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    out.emplace_back(rules[i].name, program_->hits[i].load(std::memory_order_relaxed));
  }
  out.emplace_back("default", program_->hits[rules.size()].load(std::memory_order_relaxed));
  return out;
}

std::size_t RuleSet::size() const { return program_->rules.size(); }

}  // namespace gw::routing
