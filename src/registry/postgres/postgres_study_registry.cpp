#include "postgres_study_registry.hpp"

#include <stdexcept>

namespace gw::registry {

std::unique_ptr<StudyRegistry> PostgresStudyRegistry::open(const std::string&,
                                                           const RegistryOptions&) {
  throw std::runtime_error("PostgreSQL state is not built yet");
}

}  // namespace gw::registry
