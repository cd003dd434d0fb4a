// Which store a state location names.
#include "gateway/registry/study_registry.hpp"

#include "postgres/postgres_study_registry.hpp"
#include "sqlite_study_registry.hpp"

namespace gw::registry {

bool StudyRegistry::is_postgresql(const std::string& location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::unique_ptr<StudyRegistry> StudyRegistry::open(const std::string& location,
                                                   const RegistryOptions& options) {
  if (is_postgresql(location)) return PostgresStudyRegistry::open(location, options);
  return SqliteStudyRegistry::open(location, options);
}

}  // namespace gw::registry
