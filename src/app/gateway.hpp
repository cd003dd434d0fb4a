#pragma once
// The running gateway: wires receiver, registry, rules, viewer client, console and alerts,
// and owns the order in which they start, reload and stop (GatewayController).
#include <memory>
#include <string>

#include "gateway/config/config.hpp"

namespace gw::app {

/// Runs the daemon in the calling thread until SIGTERM or SIGINT. Returns the exit code.
/// `config_path` is re-read on SIGHUP (the routing rules are replaced when it is valid).
int run_gateway(const std::string& config_path, std::shared_ptr<const config::Config> config);

}  // namespace gw::app
