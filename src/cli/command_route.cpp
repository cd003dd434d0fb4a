// `dicom-gateway route`: what the rules would decide for studies on disk, without sending
// anything. With --against, what a rules change would change, study by study.
#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <dcmtk/oflog/oflog.h>

#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "gateway/routing/rule_set.hpp"
#include "route_report.hpp"
#include "study_inputs.hpp"

namespace gw::app {
namespace {

bool valid_peer_address(const std::string& text) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(text, ec);
  return !ec;
}

void report_explanations(const StudyInputs& inputs, const routing::RuleSet& rules, bool json) {
  boost::json::array entries;
  for (const auto& study : inputs.studies) {
    const routing::Explanation explanation = rules.explain(study.facts);
    if (json) {
      entries.push_back(explanation_to_json(study, explanation));
    } else {
      print_explanation(std::cout, study, explanation);
    }
  }
  if (json) std::cout << boost::json::serialize(entries) << '\n';
}

void report_differences(const StudyInputs& inputs, const routing::RuleSet& config,
                        const routing::RuleSet& against, bool json) {
  boost::json::array entries;
  std::size_t differing = 0;
  for (const auto& study : inputs.studies) {
    // explain, not route: a dry run must not count rule hits.
    const routing::RoutingDecision before = config.explain(study.facts).decision;
    const routing::RoutingDecision after = against.explain(study.facts).decision;
    const auto differences = decision_differences(before, after);
    if (differences.empty()) continue;
    ++differing;
    if (json) {
      entries.push_back(comparison_to_json(study, before, after, differences));
    } else {
      print_comparison(std::cout, study, before, after, differences);
    }
  }
  if (json) {
    std::cout << boost::json::serialize(entries) << '\n';
  } else {
    std::cout << differing << " of " << inputs.studies.size()
              << (inputs.studies.size() == 1 ? " study" : " studies") << " decided differently\n";
  }
}

}  // namespace

int command_route(const std::string& config_path, const RouteOptions& options) {
  if (!options.peer_address.empty() && !valid_peer_address(options.peer_address)) {
    std::cerr << "--peer-address: " << options.peer_address << " is not an IP address\n";
    return exit_usage;
  }
  // DCMTK would note on stderr every file it stops reading at the pixel data; a file it
  // cannot read is reported below with DCMTK's reason.
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
  const auto config = load_config_or_report(config_path);
  const auto against = options.against.empty() ? nullptr : load_config_or_report(options.against);
  if (!config || (!options.against.empty() && !against)) return exit_problems;

  AssociationInfo association;
  association.calling_ae = options.calling_ae;
  association.called_ae = options.called_ae.empty() ? config->dicom.ae_title : options.called_ae;
  association.peer_address = options.peer_address;
  const StudyInputs inputs = gather_studies(options.paths, association);
  for (const auto& problem : inputs.problems) {
    std::cerr << problem.path << ": " << problem.message << '\n';
  }

  if (against) {
    report_differences(inputs, *config->rules, *against->rules, options.json);
  } else {
    report_explanations(inputs, *config->rules, options.json);
  }
  return inputs.problems.empty() ? exit_ok : exit_problems;
}

}  // namespace gw::app
