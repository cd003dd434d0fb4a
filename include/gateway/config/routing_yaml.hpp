#pragma once
// YAML → routing rules: the bridge that keeps yaml-cpp out of src/routing.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/domain/diagnostic.hpp"
#include "gateway/routing/rule_set.hpp"

namespace YAML {
class Node;
}

namespace gw::config {

/// What load_routing needs besides the YAML. Borrowed for the call only.
struct RoutingLoadOptions {
  std::string file;                                        // for diagnostics
  std::string default_description = "DICOM study";         // registration.default_description
  std::function<bool(std::string_view)> is_known_keyword;  // DICOM dictionary; null: accept any
};

/// Parses the `routing:` mapping (undefined or null: register everything, no assignee).
/// Appends every problem found, errors and warnings, with 1-based line and column, to `out`.
/// Returns nullptr when there were errors. Start-up only; safe to call from any one thread.
std::shared_ptr<const routing::RuleSet> load_routing(const YAML::Node& routing,
                                                     const RoutingLoadOptions& opts,
                                                     Diagnostics& out);

}  // namespace gw::config
