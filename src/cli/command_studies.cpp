// `dicom-gateway studies [list] | show | rule-hits`: what the registry knows. Works while the
// daemon runs (SQLite WAL) and when it is stopped. A database that is busy, locked or
// unreadable throws from the registry; main() turns that into exit status 3.
#include <boost/json.hpp>

#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "state_database.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/operations/study_json.hpp"
#include "studies_format.hpp"

namespace gw::app {
namespace {

std::unique_ptr<registry::StudyRegistry> open_registry(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return nullptr;
  return app::open_state(*config);
}

std::string show_text(const registry::StudyRecord& study) {
  std::string next = study.state == registry::StudyState::pending ? iso_time(study.next_attempt) : "-";
  std::string out;
  auto line = [&out](const char* name, const std::string& value) {
    out += name;
    out.append(17 - std::string_view(name).size(), ' ');
    out += value + '\n';
  };
  line("study", study.study_instance_uid);
  line("state", std::string(to_string(study.state)));
  line("rule", study.rule_name);
  line("study id", tsv_field(study.study_id));
  line("instances", std::to_string(study.instances) + " (" + std::to_string(study.bytes) + " bytes)");
  line("series", std::to_string(study.series));
  line("modalities", tsv_field(study.modalities));
  line("first seen", iso_time(study.first_seen));
  line("last instance", iso_time(study.last_instance));
  line("next attempt", next);
  line("received by", tsv_field(study.received_by));
  if (study.state == registry::StudyState::in_flight) {
    line("claimed by", tsv_field(study.claimed_by) + " until " + iso_time(study.lease_until));
  }
  line("registered by", tsv_field(study.registered_by));
  line("last error", tsv_field(study.last_error));
  line("request", study.request_body);
  line("attempts", std::to_string(study.attempts));
  return out;
}

std::size_t failed_items(const domain::CommitmentRecord& c) {
  std::size_t failed = 0;
  for (const auto& item : c.request.items) failed += item.failure != domain::CommitFailure::none;
  return failed;
}

void print_show(registry::StudyRegistry& registry, const registry::StudyRecord& study) {
  std::cout << show_text(study);
  for (const auto& a : registry.attempts(study.study_instance_uid)) {
    std::cout << "  " << iso_time(a.at) << '\t' << a.outcome << '\t'
              << (a.http_status ? std::to_string(a.http_status) : "-") << '\t' << a.duration_ms
              << " ms\t" << tsv_field(a.error) << '\n';
  }
  // Storage Commitment requests that named any of this study's instances: what each requester
  // was (or will be) told about them.
  const auto commitments = registry.commitments_naming_study(study.study_instance_uid);
  std::cout << "commitments      " << commitments.size() << '\n';
  for (const auto& c : commitments) {
    std::cout << "  " << iso_time(c.received) << '\t' << c.request.transaction_uid << '\t'
              << c.request.requester_ae << '\t' << domain::to_string(c.state) << '\t'
              << c.request.items.size() << " named, " << failed_items(c) << " failed\t"
              << c.attempts << " deliveries\t" << tsv_field(c.last_error) << '\n';
  }
}

boost::json::object show_json(registry::StudyRegistry& registry, const registry::StudyRecord& study) {
  boost::json::object out = operations::study_summary(study);
  out["nextAttempt"] = study.state == registry::StudyState::pending
                          ? operations::json_time(study.next_attempt)
                          : boost::json::value(nullptr);
  out["request"] = study.request_body;
  boost::json::array history;
  for (const auto& a : registry.attempts(study.study_instance_uid)) {
    history.push_back(operations::attempt_json(a));
  }
  out["history"] = std::move(history);
  boost::json::array commitments;
  for (const auto& c : registry.commitments_naming_study(study.study_instance_uid)) {
    commitments.push_back({{"received", operations::json_time(c.received)},
                           {"transactionUid", c.request.transaction_uid},
                           {"requesterAe", c.request.requester_ae},
                           {"state", domain::to_string(c.state)},
                           {"named", c.request.items.size()},
                           {"failed", failed_items(c)},
                           {"deliveries", c.attempts},
                           {"lastError", c.last_error}});
  }
  out["commitments"] = std::move(commitments);
  return out;
}

}  // namespace

int command_studies_list(const std::string& config_path, const StudiesListOptions& options) {
  std::optional<registry::StudyState> state;
  if (!options.state.empty() && !(state = registry::parse_study_state(options.state))) {
    std::cerr << "--state: unknown state '" << options.state
              << "' (receiving, pending, in_flight, registered, failed, ignored)\n";
    return exit_usage;
  }
  std::optional<registry::TimestampMs> since;
  if (!options.since.empty() && !(since = parse_since(options.since))) {
    std::cerr << kSinceUsage << '\n';
    return exit_usage;
  }
  auto registry = open_registry(config_path);
  if (!registry) return exit_problems;
  const auto studies = registry->list(state, since);
  if (options.json) {
    boost::json::array out;
    for (const auto& s : studies) out.push_back(operations::study_summary(s));
    std::cout << boost::json::serialize(out) << '\n';
    return exit_ok;
  }
  // Plain TSV, five columns, no header: `cut -f1`, `awk -F'\t'` and `while read` work as is.
  for (const auto& s : studies) {
    std::cout << s.study_instance_uid << '\t' << to_string(s.state) << '\t' << s.attempts << '\t'
              << tsv_field(s.study_id) << '\t' << tsv_field(s.last_error) << '\n';
  }
  return exit_ok;
}

int command_studies_show(const std::string& config_path, const StudiesShowOptions& options) {
  auto registry = open_registry(config_path);
  if (!registry) return exit_problems;
  const auto study = registry->find(options.uid);
  if (!study) {
    std::cerr << "no study " << options.uid << '\n';
    return exit_problems;
  }
  if (options.json) {
    std::cout << boost::json::serialize(show_json(*registry, *study)) << '\n';
  } else {
    print_show(*registry, *study);
  }
  return exit_ok;
}

int command_studies_rule_hits(const std::string& config_path, bool json) {
  auto registry = open_registry(config_path);
  if (!registry) return exit_problems;
  // Dead rules show up as zero: the administrator sees which rules still earn their place.
  registry::TimestampMs since = 0;
  const auto hits = registry->rule_hits(&since);
  if (json) {
    boost::json::array rules;
    for (const auto& [rule, count] : hits) rules.push_back({{"rule", rule}, {"studies", count}});
    std::cout << boost::json::serialize(boost::json::object{{"since", operations::json_time(since)},
                                                            {"rules", std::move(rules)}})
              << '\n';
    return exit_ok;
  }
  std::cerr << "studies routed by each rule since " << iso_time(since) << '\n';
  for (const auto& [rule, count] : hits) std::cout << rule << '\t' << count << '\n';
  return exit_ok;
}

}  // namespace gw::app
