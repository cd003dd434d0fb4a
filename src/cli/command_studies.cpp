// `dicom-gateway studies …`: what the registry knows, and the operator's ways out. Works
// while the daemon runs (SQLite WAL; the daemon looks for due studies every second) and
// when it is stopped.
#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <iostream>

#include "wall_clock.hpp"
#include "commands.hpp"
#include "config_access.hpp"
#include "gateway/config/duration.hpp"
#include "gateway/operations/study_desk.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"
#include "gateway/viewer/viewer_api_session.hpp"
#include "viewer_settings.hpp"

namespace gw::app {
namespace {

std::string iso_time(registry::TimestampMs ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

std::unique_ptr<registry::StudyRegistry> open_registry(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return nullptr;
  return registry::StudyRegistry::open(config->state.database);
}

boost::json::object to_json(const registry::StudyRecord& s) {
  return {{"studyInstanceUid", s.study_instance_uid},
          {"state", to_string(s.state)},
          {"rule", s.rule_name},
          {"attempts", s.attempts},
          {"studyId", s.study_id},
          {"lastError", s.last_error},
          {"firstSeen", iso_time(s.first_seen)},
          {"lastInstance", iso_time(s.last_instance)},
          {"instances", s.instances},
          {"series", s.series},
          {"modalities", s.modalities},
          {"bytes", s.bytes}};
}

void print_rule_hits(registry::StudyRegistry& registry) {
  // Dead rules show up as zero: the administrator sees which rules still earn their place.
  registry::TimestampMs since = 0;
  const auto hits = registry.rule_hits(&since);
  if (hits.empty()) return;
  std::cout << "\n# studies routed by each rule since " << iso_time(since) << '\n';
  for (const auto& [rule, count] : hits) std::cout << "# " << rule << '\t' << count << '\n';
}

std::optional<registry::TimestampMs> parse_since(const std::string& text) {
  if (const auto ago = config::parse_duration(text)) return now_ms() - ago->count();
  std::tm tm{};
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"}) {
    tm = {};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') return static_cast<registry::TimestampMs>(timegm(&tm)) * 1000;
  }
  return std::nullopt;
}

}  // namespace

int command_studies_list(const std::string& config_path, const StudiesListOptions& options) {
  auto registry = open_registry(config_path);
  if (!registry) return 1;
  std::optional<registry::StudyState> state;
  if (!options.state.empty()) {
    state = registry::parse_study_state(options.state);
    if (!state) {
      std::cerr << "unknown state '" << options.state
                << "' (receiving, pending, in_flight, registered, failed, ignored)\n";
      return 2;
    }
  }
  std::optional<registry::TimestampMs> since;
  if (!options.since.empty()) {
    since = parse_since(options.since);
    if (!since) {
      std::cerr << "--since takes a date (2026-11-01, 2026-11-01T08:00:00Z) or a duration (24h)\n";
      return 2;
    }
  }
  const auto studies = registry->list(state, since);
  if (options.json) {
    boost::json::array out;
    for (const auto& s : studies) out.push_back(to_json(s));
    std::cout << boost::json::serialize(out) << '\n';
    return 0;
  }
  for (const auto& s : studies) {
    std::cout << s.study_instance_uid << '\t' << to_string(s.state) << '\t' << s.attempts << '\t'
              << (s.study_id.empty() ? "-" : s.study_id) << '\t'
              << (s.last_error.empty() ? "-" : s.last_error) << '\n';
  }
  if (!state && !since) print_rule_hits(*registry);
  return 0;
}

int command_studies_show(const std::string& config_path, const std::string& uid) {
  auto registry = open_registry(config_path);
  if (!registry) return 1;
  const auto study = registry->find(uid);
  if (!study) {
    std::cerr << "no study " << uid << '\n';
    return 1;
  }
  std::cout << "study            " << study->study_instance_uid << '\n'
            << "state            " << to_string(study->state) << '\n'
            << "rule             " << study->rule_name << '\n'
            << "study id         " << (study->study_id.empty() ? "-" : study->study_id) << '\n'
            << "instances        " << study->instances << " (" << study->bytes << " bytes)\n"
            << "series           " << study->series << '\n'
            << "modalities       " << (study->modalities.empty() ? "-" : study->modalities) << '\n'
            << "first seen       " << iso_time(study->first_seen) << '\n'
            << "last instance    " << iso_time(study->last_instance) << '\n'
            << "next attempt     "
            << (study->state == registry::StudyState::pending ? iso_time(study->next_attempt) : "-")
            << '\n'
            << "last error       " << (study->last_error.empty() ? "-" : study->last_error) << '\n'
            << "request          " << study->request_body << '\n'
            << "attempts         " << study->attempts << '\n';
  for (const auto& a : registry->attempts(uid)) {
    std::cout << "  " << iso_time(a.at) << '\t' << a.outcome << '\t'
              << (a.http_status ? std::to_string(a.http_status) : "-") << '\t' << a.duration_ms
              << " ms\t" << (a.error.empty() ? "-" : a.error) << '\n';
  }
  // Storage Commitment requests that named any of this study's instances: what each requester
  // was (or will be) told about them.
  const auto commitments = registry->commitments_naming_study(uid);
  std::cout << "commitments      " << commitments.size() << '\n';
  for (const auto& c : commitments) {
    std::size_t failed = 0;
    for (const auto& item : c.request.items) failed += item.failure != domain::CommitFailure::none;
    std::cout << "  " << iso_time(c.received) << '\t' << c.request.transaction_uid << '\t'
              << c.request.requester_ae << '\t' << domain::to_string(c.state) << '\t'
              << c.request.items.size() << " named, " << failed << " failed\t"
              << c.attempts << " deliveries\t" << (c.last_error.empty() ? "-" : c.last_error)
              << '\n';
  }
  return 0;
}

namespace {

/// The daemon's StudyDesk, over the configured registry and spool: the same actions, with the
/// same refusals, as the console's buttons.
struct OpenDesk {
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<registry::StudyRegistry> registry;
  std::unique_ptr<storage::Spool> spool;
  std::unique_ptr<operations::StudyDesk> desk;
};

std::optional<OpenDesk> open_desk(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return std::nullopt;
  OpenDesk open;
  open.registry = registry::StudyRegistry::open(config->state.database);
  open.spool = std::make_unique<storage::Spool>(config->storage.spool_dir);
  open.desk = std::make_unique<operations::StudyDesk>(*open.registry, *open.spool, now_ms);
  open.config = std::move(config);
  return open;
}

/// Prints what an action did, or why it was refused, as an operator reads it. Returns the
/// exit status: 0 done, 1 refused or unknown.
int report_action(OpenDesk& open, std::string_view action, const std::string& uid,
                  const operations::ActionResult& done) {
  if (done) {
    std::cout << done->message << ": " << uid << '\n';
    return 0;
  }
  std::cerr << "studies " << action << ' ' << uid << ": " << done.error().message();
  if (const auto study = open.desk->study(uid)) std::cerr << " (state " << to_string(study->state) << ')';
  std::cerr << '\n';
  return 1;
}

}  // namespace

int command_studies_retry(const std::string& config_path, const std::string& uid, bool all_failed) {
  auto open = open_desk(config_path);
  if (!open) return 1;
  if (!all_failed) return report_action(*open, "retry", uid, open->desk->retry(uid));
  const int changed = open->desk->retry_all_failed();
  std::cout << changed << " failed stud" << (changed == 1 ? "y" : "ies") << " queued again\n";
  return 0;
}

int command_studies_resend(const std::string& config_path, const std::string& uid) {
  auto open = open_desk(config_path);
  if (!open) return 1;
  return report_action(*open, "resend", uid, open->desk->resend(uid));
}

int command_studies_forget(const std::string& config_path, const std::string& uid) {
  auto open = open_desk(config_path);
  if (!open) return 1;
  return report_action(*open, "forget", uid, open->desk->forget(uid));
}

int command_studies_verify(const std::string& config_path, const StudiesVerifyOptions& options) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  auto registry = registry::StudyRegistry::open(config->state.database);
  std::optional<registry::TimestampMs> since;
  if (!options.since.empty() && !(since = parse_since(options.since))) {
    std::cerr << "--since takes a date (2026-11-01, 2026-11-01T08:00:00Z) or a duration (24h)\n";
    return 2;
  }
  std::vector<registry::StudyRecord> studies;
  if (!options.uid.empty()) {
    auto study = registry->find(options.uid);
    if (!study || study->state != registry::StudyState::registered) {
      std::cerr << "no registered study " << options.uid << '\n';
      return 1;
    }
    studies.push_back(std::move(*study));
  } else {
    studies = registry->list(registry::StudyState::registered, since);
  }
  viewer::ViewerClientSettings settings;
  try {
    settings = viewer_client_settings(config->viewer_api);
  } catch (const std::exception& e) {
    std::cerr << "API key: " << e.what() << '\n';
    return 1;
  }
  auto session = viewer::ViewerApiSession::create(settings, config->viewer_api.timeout * 2);
  if (!session) {
    std::cerr << "viewer_api: " << session.error().message() << '\n';
    return 1;
  }
  int problems = 0;
  for (const auto& study : studies) {
    const auto got = session->get_study(study.study_id);
    using Kind = viewer::GetStudyOutcome::Kind;
    std::string problem;
    if (got.kind == Kind::not_found) problem = "missing from the viewer (404)";
    if (got.kind == Kind::found && got.study.is_cancelled) problem = "cancelled in the viewer";
    if (got.kind == Kind::failed) {
      std::cerr << "cannot verify: " << got.failure.error << '\n';
      return 1;  // the API is down or refuses the key: every later study would say the same
    }
    if (problem.empty()) continue;
    ++problems;
    std::cout << study.study_instance_uid << '\t' << study.study_id << '\t' << problem << '\n';
  }
  std::cout << studies.size() << " registered stud" << (studies.size() == 1 ? "y" : "ies")
            << " checked, " << problems << " not as registered"
            << (problems ? " (`studies resend UID` registers one again)" : "") << '\n';
  return problems ? 1 : 0;
}

}  // namespace gw::app
