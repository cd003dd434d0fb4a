// `dicom-gateway check-config [--online]`: the file is valid; online, the viewer agrees.
#include <iostream>
#include <map>

#include "commands.hpp"
#include "config_access.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/viewer_api_session.hpp"
#include "viewer_settings.hpp"

namespace gw::app {
namespace {

/// Every customer id the rules can send, looked up in the listed customers. Prints one line per
/// id; returns how many were problems.
int check_customers(const config::Config& config, const viewer::ListCustomersOutcome& listed) {
  std::map<std::string, const viewer::ExpressCustomer*> known;
  for (const auto& c : listed.customers) known[c.id] = &c;
  const routing::CustomerIds ids = config.rules->customer_ids();
  int problems = 0;
  for (const auto& id : ids.listed) {
    const auto it = known.find(id);
    if (it == known.end()) {
      std::cout << "customer " << id << ": unknown to the viewer\n";
      ++problems;
    } else if (!it->second->is_active) {
      std::cout << "customer " << id << " (" << it->second->name << "): inactive\n";
      ++problems;
    } else {
      std::cout << "customer " << id << " (" << it->second->name << "): active\n";
    }
  }
  for (const auto& rule : ids.from_attributes) {
    std::cout << "rule " << rule << ": customer id built from attributes, not checked\n";
  }
  return problems;
}

/// Every usr_ id the rules can assign, each asked for by `GET /viewer/users/{userId}`. Prints
/// one line per id; returns how many were problems (unknown, or not checkable).
int check_users(const config::Config& config, viewer::ViewerApiSession& session) {
  const routing::UserIds ids = config.rules->user_ids();
  int problems = 0;
  for (const auto& id : ids.listed) {
    const viewer::GetUserOutcome got = session.get_user(id);
    switch (got.kind) {
      case viewer::GetUserOutcome::Kind::found:
        std::cout << "user " << id << " (" << got.user.email << "): known\n";
        break;
      case viewer::GetUserOutcome::Kind::not_found:
        std::cout << "user " << id << ": unknown to the viewer\n";
        ++problems;
        break;
      case viewer::GetUserOutcome::Kind::failed:
        std::cout << "user " << id << ": cannot check: " << got.failure.error << '\n';
        ++problems;
        break;
    }
  }
  for (const auto& rule : ids.from_attributes) {
    std::cout << "rule " << rule << ": user id built from attributes, not checked\n";
  }
  return problems;
}

/// One authenticated read (the customer list), then every customer and user id the rules can
/// send checked against the viewer. Prints one line per problem; returns how many there were.
int check_online(const config::Config& config) {
  viewer::ViewerClientSettings settings;
  try {
    settings = viewer_client_settings(config.viewer_api);
  } catch (const std::exception& e) {
    std::cout << "API key: " << e.what() << '\n';
    return 1;
  }
  auto session = viewer::ViewerApiSession::create(settings, config.viewer_api.timeout * 2);
  if (!session) {
    std::cout << "viewer_api: " << session.error().message() << '\n';
    return 1;
  }
  const auto listed = session->list_customers();
  if (listed.kind == viewer::ListCustomersOutcome::Kind::failed) {
    if (listed.failure.kind == viewer::FailureKind::unauthorized) {
      std::cout << "API key: refused by " << config.viewer_api.base_url << " (HTTP "
                << listed.failure.http_status << "): the key is wrong or revoked\n";
    } else {
      std::cout << "viewer_api: cannot read " << config.viewer_api.base_url
                << "/express: " << listed.failure.error << '\n';
    }
    return 1;
  }
  std::cout << "API key: accepted by " << config.viewer_api.base_url << '\n';
  return check_customers(config, listed) + check_users(config, *session);
}

}  // namespace

int command_check_config(const std::string& config_path, bool online) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  std::cout << config_path << ": OK (" << config->rules->size() << " routing rules)\n";
  if (!online) return 0;
  const int problems = check_online(*config);
  if (problems) std::cout << problems << " problem" << (problems == 1 ? "" : "s") << " found online\n";
  return problems ? 1 : 0;
}

}  // namespace gw::app
