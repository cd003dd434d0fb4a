#pragma once
// Warns about rules that can never match because an earlier rule takes all their studies.
#include <vector>

#include "compile_context.hpp"

namespace gw::routing {

/// `specs` and `rules` are parallel. Detects an earlier rule whose conditions are a subset of a
/// later rule's (same keys, same operators and operands; an empty match is the empty set). This
/// is sound but not complete: `regex: "^CT"` is not known to cover `equals: CT`.
void warn_unreachable(const std::vector<RuleSpec>& specs, const std::vector<CompiledRule>& rules,
                      CompileContext& ctx);

}  // namespace gw::routing
