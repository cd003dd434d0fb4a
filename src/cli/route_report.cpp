#include "route_report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "gateway/viewer/wire_format.hpp"

namespace gw::app {
namespace {

using routing::RoutingDecision;

bool ignored(const RoutingDecision& decision) {
  return decision.action == RoutingDecision::Action::ignore;
}

const char* action_name(const RoutingDecision& decision) {
  return ignored(decision) ? "ignore" : "register";
}

void print_heading(std::ostream& out, const StudyInput& study) {
  out << "study " << study.facts.study_instance_uid << " (" << study.file_count
      << (study.file_count == 1 ? " file" : " files") << ", first: " << study.first_file << ")\n";
}

/// The body that would be sent, verbatim; an ignored study sends nothing.
std::string json_line(const RoutingDecision& decision) {
  return ignored(decision) ? std::string("(not sent: ignored)") : viewer::to_json(decision.request);
}

boost::json::value request_json(const RoutingDecision& decision) {
  if (ignored(decision)) return nullptr;
  // Parsed back from the wire encoder, so the report can never drift from what is sent.
  return boost::json::parse(viewer::to_json(decision.request));
}

void add_heading(boost::json::object& o, const StudyInput& study) {
  o["studyInstanceUid"] = study.facts.study_instance_uid;
  o["files"] = study.file_count;
  o["firstFile"] = study.first_file;
}

boost::json::object decision_json(const RoutingDecision& decision) {
  boost::json::object o;
  o["rule"] = decision.rule_name;
  o["action"] = action_name(decision);
  o["request"] = request_json(decision);
  return o;
}

/// The rules tried before the one that decided: all of them when the default decided.
std::vector<const routing::RuleOutcome*> skipped_rules(const routing::Explanation& e) {
  std::vector<const routing::RuleOutcome*> out;
  for (const auto& rule : e.rules) {
    if (rule.matched) break;
    out.push_back(&rule);
  }
  return out;
}

}  // namespace

void print_explanation(std::ostream& out, const StudyInput& study,
                       const routing::Explanation& explanation) {
  const RoutingDecision& decision = explanation.decision;
  print_heading(out, study);
  out << "  rule " << decision.rule_name << " -> " << action_name(decision) << '\n';
  for (const auto& warning : decision.warnings) out << "  warning: " << warning << '\n';
  const auto skipped = skipped_rules(explanation);
  if (skipped.empty()) out << "  skipped: (none)\n";
  const char* label = "  skipped: ";
  for (const auto* rule : skipped) {
    out << label << rule->rule_name << " (line " << rule->line << "): " << rule->failed_condition
        << '\n';
    label = "           ";
  }
  out << "  json: " << json_line(decision) << '\n';
}

boost::json::object explanation_to_json(const StudyInput& study,
                                        const routing::Explanation& explanation) {
  const RoutingDecision& decision = explanation.decision;
  boost::json::object o;
  add_heading(o, study);
  o["rule"] = decision.rule_name;
  o["action"] = action_name(decision);
  boost::json::array skipped;
  for (const auto* rule : skipped_rules(explanation)) {
    skipped.push_back(boost::json::object{
        {"rule", rule->rule_name}, {"line", rule->line}, {"failedCondition", rule->failed_condition}});
  }
  o["skipped"] = std::move(skipped);
  boost::json::array warnings;
  for (const auto& warning : decision.warnings) warnings.push_back(boost::json::string(warning));
  o["warnings"] = std::move(warnings);
  o["request"] = request_json(decision);
  return o;
}

std::vector<std::string> decision_differences(const RoutingDecision& config,
                                              const RoutingDecision& against) {
  std::vector<std::string> out;
  const RegistrationRequest& a = config.request;
  const RegistrationRequest& b = against.request;
  if (config.rule_name != against.rule_name) out.emplace_back("rule");
  if (config.action != against.action) out.emplace_back("action");
  // Two ignores send nothing, so what they would have sent cannot differ for the viewer.
  if (ignored(config) && ignored(against)) return out;
  if (a.study_description != b.study_description) out.emplace_back("studyDescription");
  if (a.severity != b.severity) out.emplace_back("severity");
  if (a.assigned_to != b.assigned_to) out.emplace_back("assignedTo");
  if (a.express_customer_id != b.express_customer_id) out.emplace_back("expressCustomerId");
  if (a.metadata != b.metadata) out.emplace_back("metadata");
  return out;
}

void print_comparison(std::ostream& out, const StudyInput& study, const RoutingDecision& config,
                      const RoutingDecision& against, const std::vector<std::string>& differences) {
  print_heading(out, study);
  out << "  differs:";
  const char* separator = " ";
  for (const auto& field : differences) {
    out << separator << field;
    separator = ", ";
  }
  out << '\n';
  const auto side = [&out](const char* label, const RoutingDecision& decision) {
    out << "  " << label << "rule " << decision.rule_name << " -> " << action_name(decision) << '\n'
        << "             json: " << json_line(decision) << '\n';
  };
  side("--config:  ", config);
  side("--against: ", against);
}

boost::json::object comparison_to_json(const StudyInput& study, const RoutingDecision& config,
                                       const RoutingDecision& against,
                                       const std::vector<std::string>& differences) {
  boost::json::object o;
  add_heading(o, study);
  boost::json::array differs;
  for (const auto& field : differences) differs.push_back(boost::json::string(field));
  o["differs"] = std::move(differs);
  o["config"] = decision_json(config);
  o["against"] = decision_json(against);
  return o;
}

}  // namespace gw::app
