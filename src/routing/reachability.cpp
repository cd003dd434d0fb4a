#include "reachability.hpp"

#include <algorithm>

#include "condition_compiler.hpp"
#include "text_util.hpp"

namespace gw::routing {

void warn_unreachable(const std::vector<RuleSpec>& specs, const std::vector<CompiledRule>& rules,
                      CompileContext& ctx) {
  std::vector<std::vector<std::string>> sets;
  for (const auto& rule : rules) sets.push_back(conjunct_set(rule.match));

  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!specs[i].match) continue;
    if (sets[i].empty() && i + 1 < rules.size()) {
      ctx.warning(specs[i].match->pos,
                  "rule " + quoted(rules[i].name) +
                      " has an empty match and takes every study: the rules after it never match");
    }
    for (std::size_t earlier = 0; earlier < i; ++earlier) {
      if (!specs[earlier].match) continue;
      if (std::includes(sets[i].begin(), sets[i].end(), sets[earlier].begin(), sets[earlier].end())) {
        ctx.warning(specs[i].pos, "rule " + quoted(rules[i].name) + " can never match: rule " +
                                      quoted(rules[earlier].name) + " (line " +
                                      std::to_string(rules[earlier].line) +
                                      ") matches every study it matches");
        break;
      }
    }
  }
}

}  // namespace gw::routing
