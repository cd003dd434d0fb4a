// RuleSet::customer_ids: the express customer ids a rule set can put in a request, for
// `check-config --online`.
#include "gateway/routing/rule_set.hpp"
#include "program.hpp"

namespace gw::routing {
namespace {

// Adds what one express_customer_id template can expand to; false when an attribute is part of
// it, so the set of values cannot be listed.
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

}  // namespace

CustomerIds RuleSet::customer_ids() const {
  CustomerIds ids;
  auto visit = [&](const CompiledRule& rule) {
    if (rule.action != RoutingDecision::Action::register_study) return;
    if (!rule.assign.express_customer_id) return;
    if (!add_possible_values(*rule.assign.express_customer_id, program_->tables, ids.listed)) {
      ids.from_attributes.push_back(rule.name);
    }
  };
  for (const auto& rule : program_->rules) visit(rule);
  visit(program_->fallback);
  return ids;
}

}  // namespace gw::routing
