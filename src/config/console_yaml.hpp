#pragma once
// The `console:` section (docs/console.md).
#include <yaml-cpp/yaml.h>

#include <string>

#include "gateway/config/config.hpp"
#include "gateway/domain/diagnostic.hpp"

namespace gw::config {

/// Reads a present `console:` mapping; problems go to `out` located at their node.
ConsoleSettings read_console(const YAML::Node& node, const std::string& file, Diagnostics& out);

}  // namespace gw::config
