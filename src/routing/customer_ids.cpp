// RuleSet::customer_ids and RuleSet::user_ids: the express customer ids and the assignees a
// rule set can put in a request, for `check-config --online`.
#include "gateway/routing/rule_set.hpp"
#include "program.hpp"

namespace gw::routing {
namespace {

// Adds what one id template (express_customer_id, assigned_to) can expand to; false when an
// attribute is part of it, so the set of values cannot be listed.
bool add_possible_values(const TemplateText& text, const std::vector<LookupTable>& tables,
                         std::set<std::string>& out) {
  const auto& parts = text.parts();
  if (parts.size() != 1) return parts.empty();
  const auto& part = parts.front();
  switch (part.kind) {
    case TemplateText::Part::Kind::literal:
      out.insert(part.text);
      return true;
    case TemplateText::Part::Kind::table:
      for (const auto& [key, value] : tables.at(part.table_index).entries) out.insert(value);
      if (part.fallback && !part.fallback->empty()) out.insert(*part.fallback);
      return true;
    case TemplateText::Part::Kind::attribute:
      return false;
  }
  return false;
}

// The values one id field (`field` of each rule's assignment) can take across the rule set.
template <class Field>
CustomerIds possible_ids(const detail::Program& program, Field field) {
  CustomerIds ids;
  auto visit = [&](const CompiledRule& rule) {
    if (rule.action != RoutingDecision::Action::register_study) return;
    const auto& text = rule.assign.*field;
    if (!text) return;
    if (!add_possible_values(*text, program.tables, ids.listed)) {
      ids.from_attributes.push_back(rule.name);
    }
  };
  for (const auto& rule : program.rules) visit(rule);
  visit(program.fallback);
  return ids;
}

}  // namespace

CustomerIds RuleSet::customer_ids() const {
  return possible_ids(*program_, &Assignment::express_customer_id);
}

UserIds RuleSet::user_ids() const { return possible_ids(*program_, &Assignment::assigned_to); }

}  // namespace gw::routing
