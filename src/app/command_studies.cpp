#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "gateway/registry/study_registry.hpp"

namespace gw::app {

int command_studies(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  auto registry = registry::StudyRegistry::open(config->state.database);
  for (const auto& s : registry->list()) {
    std::cout << s.study_instance_uid << '\t' << to_string(s.state) << '\t' << s.attempts << '\t'
              << (s.study_id.empty() ? "-" : s.study_id) << '\t'
              << (s.last_error.empty() ? "-" : s.last_error) << '\n';
  }
  // Dead rules show up as zero: the administrator sees which rules still earn their place.
  registry::TimestampMs since = 0;
  const auto hits = registry->rule_hits(&since);
  if (!hits.empty()) {
    const std::time_t t = static_cast<std::time_t>(since / 1000);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    std::cout << "\n# studies routed by each rule since " << when << '\n';
    for (const auto& [rule, count] : hits) std::cout << "# " << rule << '\t' << count << '\n';
  }
  return 0;
}

}  // namespace gw::app
