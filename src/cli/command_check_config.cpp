// `dicom-gateway check-config [--online] [--json]`: the file is valid; online, the viewer agrees.
#include <boost/json.hpp>

#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "gateway/routing/rule_set.hpp"
#include "online_check.hpp"

namespace gw::app {
namespace {

void print_online(const OnlineReport& report, const std::string& base_url) {
  if (!report.message.empty()) {
    std::cout << report.message << '\n';
    return;
  }
  std::cout << "API key: accepted by " << base_url << '\n';
  for (const auto& c : report.customers) {
    std::cout << "customer " << c.id;
    if (!c.label.empty()) std::cout << " (" << c.label << ')';
    std::cout << ": " << (c.status == "unknown" ? "unknown to the viewer" : c.status) << '\n';
  }
  for (const auto& u : report.users) {
    std::cout << "user " << u.id;
    if (!u.label.empty()) std::cout << " (" << u.label << ')';
    if (u.status == "unchecked") {
      std::cout << ": cannot check: " << u.detail << '\n';
    } else {
      std::cout << ": " << (u.status == "unknown" ? "unknown to the viewer" : u.status) << '\n';
    }
  }
  for (const auto& [rule, what] : report.not_checked) {
    std::cout << "rule " << rule << ": " << what << " id built from attributes, not checked\n";
  }
  if (report.problems) {
    std::cout << report.problems << " problem" << (report.problems == 1 ? "" : "s") << " found online\n";
  }
}

boost::json::array ids_to_json(const std::vector<IdCheck>& checks, const char* label_key) {
  boost::json::array out;
  for (const auto& c : checks) {
    boost::json::object o{{"id", c.id}, {label_key, c.label}, {"status", c.status}};
    if (!c.detail.empty()) o["detail"] = c.detail;
    out.push_back(std::move(o));
  }
  return out;
}

boost::json::object online_to_json(const OnlineReport& report) {
  boost::json::array not_checked;
  for (const auto& [rule, what] : report.not_checked) {
    not_checked.push_back({{"rule", rule}, {"id", what}});
  }
  boost::json::object out{{"reachable", report.reachable},
                          {"apiKey", report.api_key},
                          {"customers", ids_to_json(report.customers, "name")},
                          {"users", ids_to_json(report.users, "email")},
                          {"notChecked", std::move(not_checked)},
                          {"problems", report.problems},
                          {"complete", !report.incomplete}};
  if (!report.message.empty()) out["message"] = report.message;
  return out;
}

boost::json::array diagnostics_to_json(const Diagnostics& diagnostics) {
  boost::json::array out;
  for (const auto& d : diagnostics) {
    out.push_back({{"file", d.file},
                   {"line", d.line},
                   {"column", d.column},
                   {"level", d.level == Diagnostic::Level::error ? "error" : "warning"},
                   {"message", d.message}});
  }
  return out;
}

/// Definite problems win over "could not check": retrying would not fix them.
int online_status(const OnlineReport& report) {
  if (report.problems) return exit_problems;
  return report.incomplete ? exit_cannot_check : exit_ok;
}

}  // namespace

int command_check_config(const std::string& config_path, const CheckConfigOptions& options) {
  const config::LoadResult loaded = load_config(config_path);
  if (!options.json) {
    for (const auto& d : loaded.diagnostics) std::cerr << to_string(d) << '\n';
    if (!loaded.config) return exit_problems;
    std::cout << config_path << ": OK (" << loaded.config->rules->size() << " routing rules)\n";
    if (!options.online) return exit_ok;
    const OnlineReport report = check_online(*loaded.config);
    print_online(report, loaded.config->viewer_api.base_url);
    return online_status(report);
  }
  boost::json::object out{{"config", config_path},
                          {"valid", loaded.config != nullptr},
                          {"rules", loaded.config ? loaded.config->rules->size() : 0},
                          {"diagnostics", diagnostics_to_json(loaded.diagnostics)},
                          {"online", nullptr}};
  int status = loaded.config ? exit_ok : exit_problems;
  if (loaded.config && options.online) {
    const OnlineReport report = check_online(*loaded.config);
    out["online"] = online_to_json(report);
    status = online_status(report);
  }
  std::cout << boost::json::serialize(out) << '\n';
  return status;
}

}  // namespace gw::app
