#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "gateway/dicom/study_file_reader.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/wire_format.hpp"

namespace gw::app {

int command_route(const std::string& config_path, const std::vector<std::string>& files,
                  const std::string& calling_ae) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  int status = 0;
  AssociationInfo association;
  association.calling_ae = calling_ae;
  association.called_ae = config->dicom.ae_title;
  for (const auto& file : files) {
    std::string error;
    const auto facts = dicom::read_study_facts(file, association, error);
    if (!facts) {
      std::cerr << file << ": " << error << '\n';
      status = 1;
      continue;
    }
    const routing::RoutingDecision decision = config->rules->route(*facts);
    const bool ignored = decision.action == routing::RoutingDecision::Action::ignore;
    std::cout << file << ": rule " << decision.rule_name << " -> "
              << (ignored ? "ignore" : "register") << '\n'
              << "  " << viewer::to_json(decision.request) << '\n';
  }
  return status;
}

}  // namespace gw::app
