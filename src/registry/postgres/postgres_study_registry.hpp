#pragma once
// The PostgreSQL store: several gateways (nodes) sharing one state. Internal to the registry.
#include <memory>
#include <string>

#include "gateway/registry/study_registry.hpp"

namespace gw::registry {

class PostgresStudyRegistry {
 public:
  /// Connects to `uri` (libpq's connection URI), creating or upgrading the tables once under
  /// an advisory lock. Throws std::runtime_error when the database cannot be reached.
  static std::unique_ptr<StudyRegistry> open(const std::string& uri, const RegistryOptions& options);
};

}  // namespace gw::registry
