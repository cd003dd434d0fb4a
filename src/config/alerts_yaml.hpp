#pragma once
// The `alerts:` section (docs/alerts.md).
#include <yaml-cpp/yaml.h>

#include <string>

#include "gateway/config/config.hpp"
#include "gateway/domain/diagnostic.hpp"

namespace gw::config {

/// Reads the `alerts:` mapping (an absent node gives the defaults and no webhook); problems go
/// to `out` located at their node.
AlertSettings read_alerts(const YAML::Node& node, const std::string& file, Diagnostics& out);

}  // namespace gw::config
