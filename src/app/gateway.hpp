#pragma once
// The running gateway: wires receiver, registry, rules, viewer client, console and alerts,
// and owns the order in which they start, reload and stop (GatewayController).
#include <memory>
#include <stdexcept>
#include <string>

#include "gateway/config/config.hpp"

namespace gw::app {

/// Thrown by run_gateway() when the state database exists but cannot be opened (busy, locked
/// by another process, not SQLite): "could not check", worth trying again, not a problem in
/// the configuration.
struct StateUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs the daemon in the calling thread until SIGTERM or SIGINT. Returns the exit code.
/// `config_path` is re-read on SIGHUP (the routing rules are replaced when it is valid).
int run_gateway(const std::string& config_path, std::shared_ptr<const config::Config> config);

}  // namespace gw::app
