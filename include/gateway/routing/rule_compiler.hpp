#pragma once
// Turns rules as written into a RuleSet, reporting every problem at once. No YAML here.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/domain/diagnostic.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/routing/rule_spec.hpp"

namespace gw::routing {

/// What the compiler needs besides the rules. Copied by compile_rules; not kept.
struct CompileOptions {
  std::string file;                                        // for diagnostics
  std::string default_description = "DICOM study";         // used when nothing else describes a study
  std::function<bool(std::string_view)> is_known_keyword;  // DICOM dictionary; null: accept any
};

/// Compiles `spec`, appending errors and warnings to `out`. Returns nullptr when there were errors.
/// Thread-safe (no shared state).
std::shared_ptr<const RuleSet> compile_rules(const RoutingSpec& spec, const CompileOptions& opts,
                                             Diagnostics& out);

}  // namespace gw::routing
