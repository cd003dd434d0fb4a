#include "state_database.hpp"

#include "api_key_source.hpp"

namespace gw::app {

std::unique_ptr<registry::StudyRegistry> open_state(const config::Config& cfg, bool serving) {
  registry::RegistryOptions options;
  options.serving = serving;
  options.node_name = cfg.node.name;
  options.claim_lease = cfg.state.claim_lease;
  if (registry::StudyRegistry::is_postgresql(cfg.state.database)) {
    options.password = load_state_password(cfg.state).value_or("");
  }
  return registry::StudyRegistry::open(cfg.state.database, options);
}

std::string printable_location(const std::string& database) {
  if (!registry::StudyRegistry::is_postgresql(database)) return database;
  // postgresql://user:secret@host/db: the userinfo ends at the last '@' before the path.
  const std::size_t scheme = database.find("://") + 3;
  const std::size_t path = database.find_first_of("/?", scheme);
  const std::size_t at = database.rfind('@', path == std::string::npos ? database.size() : path);
  if (at == std::string::npos || at < scheme) return database;
  const std::size_t colon = database.find(':', scheme);
  if (colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

std::vector<std::filesystem::path> state_lock_paths(const config::Config& cfg) {
  std::vector<std::filesystem::path> paths;
  if (!registry::StudyRegistry::is_postgresql(cfg.state.database)) {
    paths.emplace_back(cfg.state.database);
  }
  paths.push_back(std::filesystem::path(cfg.storage.spool_dir) / ".gateway");
  return paths;
}

}  // namespace gw::app
