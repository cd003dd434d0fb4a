#pragma once
// ConditionSpec (as written) → Condition (compiled), reporting every problem through the context.
#include "compile_context.hpp"
#include "condition.hpp"

namespace gw::routing {

/// Compiles `spec`; problems go to `ctx` (the result is then unusable, and ctx.failed() is true).
Condition compile_condition(const ConditionSpec& spec, CompileContext& ctx);

/// The canonical forms whose conjunction is `match` (nested `all`s flattened): rule A matches
/// everything rule B matches when A's set is a subset of B's.
std::vector<std::string> conjunct_set(const Condition& match);

}  // namespace gw::routing
