#include "alerts_yaml.hpp"

namespace gw::config {

// Placeholder until the alerts section lands: no webhook.
AlertSettings read_alerts(const YAML::Node&, const std::string&, Diagnostics&) { return {}; }

}  // namespace gw::config
