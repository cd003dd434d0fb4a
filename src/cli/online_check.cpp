#include "online_check.hpp"

#include <map>

#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/viewer_api_session.hpp"
#include "viewer_settings.hpp"

namespace gw::app {
namespace {

void check_customers(const config::Config& config, const viewer::ListCustomersOutcome& listed,
                     OnlineReport& report) {
  std::map<std::string, const viewer::ExpressCustomer*> known;
  for (const auto& c : listed.customers) known[c.id] = &c;
  const routing::CustomerIds ids = config.rules->customer_ids();
  for (const auto& id : ids.listed) {
    const auto it = known.find(id);
    if (it == known.end()) {
      report.customers.push_back({id, "", "unknown", ""});
      ++report.problems;
    } else {
      const bool active = it->second->is_active;
      report.customers.push_back({id, it->second->name, active ? "active" : "inactive", ""});
      report.problems += active ? 0 : 1;
    }
  }
  for (const auto& rule : ids.from_attributes) report.not_checked.emplace_back(rule, "customer");
}

void check_users(const config::Config& config, viewer::ViewerApiSession& session,
                 OnlineReport& report) {
  const routing::UserIds ids = config.rules->user_ids();
  for (const auto& id : ids.listed) {
    const viewer::GetUserOutcome got = session.get_user(id);
    switch (got.kind) {
      case viewer::GetUserOutcome::Kind::found:
        report.users.push_back({id, got.user.email, "known", ""});
        break;
      case viewer::GetUserOutcome::Kind::not_found:
        report.users.push_back({id, "", "unknown", ""});
        ++report.problems;
        break;
      case viewer::GetUserOutcome::Kind::failed:
        report.users.push_back({id, "", "unchecked", got.failure.error});
        // A refusal is definite; a network failure or a 5xx only means "ask again later".
        if (got.failure.kind == viewer::FailureKind::transient) {
          report.incomplete = true;
        } else {
          ++report.problems;
        }
        break;
    }
  }
  for (const auto& rule : ids.from_attributes) report.not_checked.emplace_back(rule, "user");
}

}  // namespace

OnlineReport check_online(const config::Config& config) {
  OnlineReport report;
  viewer::ViewerClientSettings settings;
  try {
    settings = viewer_client_settings(config.viewer_api);
  } catch (const std::exception& e) {
    report.api_key = "missing";
    report.message = std::string("API key: ") + e.what();
    report.problems = 1;
    return report;
  }
  auto session = viewer::ViewerApiSession::create(settings, config.viewer_api.timeout * 2);
  if (!session) {  // a malformed base_url or CA file: the configuration's fault
    report.message = "viewer_api: " + session.error().message();
    report.problems = 1;
    return report;
  }
  const auto listed = session->list_customers();
  if (listed.kind == viewer::ListCustomersOutcome::Kind::failed) {
    report.reachable = listed.failure.http_status != 0;
    if (listed.failure.kind == viewer::FailureKind::unauthorized) {
      report.api_key = "refused";
      report.message = "API key: refused by " + config.viewer_api.base_url + " (HTTP " +
                       std::to_string(listed.failure.http_status) + "): the key is wrong or revoked";
      report.problems = 1;
    } else {
      report.message = "viewer_api: cannot read " + config.viewer_api.base_url +
                       "/express: " + listed.failure.error;
      if (listed.failure.kind == viewer::FailureKind::transient) {
        report.incomplete = true;
      } else {
        report.problems = 1;
      }
    }
    return report;
  }
  report.reachable = true;
  report.api_key = "accepted";
  check_customers(config, listed, report);
  check_users(config, *session, report);
  return report;
}

}  // namespace gw::app
