#pragma once
// Opens the state a configuration names: SQLite at a path, or the fleet's PostgreSQL.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/registry/study_registry.hpp"

namespace gw::app {

/// The store at state.database, as node node.name with state.claim_lease and the password
/// from load_state_password() (PostgreSQL only). Throws std::runtime_error like
/// registry::StudyRegistry::open(), or when the password file cannot be read.
/// `serving`: for `run` (RegistryOptions::serving), not for the studies commands.
std::unique_ptr<registry::StudyRegistry> open_state(const config::Config& cfg, bool serving = false);

/// state.database fit for a log line: a PostgreSQL URI without its password, if it has one.
std::string printable_location(const std::string& database);

/// What `run` locks (StateLock) so that a second daemon cannot share its state: the SQLite
/// file and the spool, or only the spool when the state is PostgreSQL (other nodes share it).
std::vector<std::filesystem::path> state_lock_paths(const config::Config& cfg);

}  // namespace gw::app
