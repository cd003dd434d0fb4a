#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "gateway/routing/rule_set.hpp"

namespace gw::app {

int command_check_config(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  std::cout << config_path << ": OK (" << config->rules->size() << " routing rules)\n";
  return 0;
}

}  // namespace gw::app
