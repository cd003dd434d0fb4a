// `dicom-gateway studies verify`: does the viewer still hold what the gateway registered?
#include <boost/json.hpp>

#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "state_database.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/viewer/viewer_api_session.hpp"
#include "studies_format.hpp"
#include "viewer_settings.hpp"

namespace gw::app {
namespace {

struct Lost {
  std::string study_instance_uid;
  std::string study_id;
  std::string problem;
};

}  // namespace

int command_studies_verify(const std::string& config_path, const StudiesVerifyOptions& options) {
  std::optional<registry::TimestampMs> since;
  if (!options.since.empty() && !(since = parse_since(options.since))) {
    std::cerr << kSinceUsage << '\n';
    return exit_usage;
  }
  const auto config = load_config_or_report(config_path);
  if (!config) return exit_problems;
  auto registry = app::open_state(*config);
  std::vector<registry::StudyRecord> studies;
  if (!options.uid.empty()) {
    auto study = registry->find(options.uid);
    if (!study || study->state != registry::StudyState::registered) {
      std::cerr << "no registered study " << options.uid << '\n';
      return exit_problems;
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
    return exit_problems;
  }
  auto session = viewer::ViewerApiSession::create(settings, config->viewer_api.timeout * 2);
  if (!session) {
    std::cerr << "viewer_api: " << session.error().message() << '\n';
    return exit_problems;
  }
  std::vector<Lost> lost;
  for (const auto& study : studies) {
    const auto got = session->get_study(study.study_id);
    using Kind = viewer::GetStudyOutcome::Kind;
    if (got.kind == Kind::failed) {
      // The API is down or refuses the key: every later study would say the same.
      std::cerr << "cannot verify: " << got.failure.error << '\n';
      return got.failure.kind == viewer::FailureKind::transient ? exit_cannot_check : exit_problems;
    }
    if (got.kind == Kind::not_found) {
      lost.push_back({study.study_instance_uid, study.study_id, "missing from the viewer (404)"});
    } else if (got.study.is_cancelled) {
      lost.push_back({study.study_instance_uid, study.study_id, "cancelled in the viewer"});
    }
  }
  if (options.json) {
    boost::json::array problems;
    for (const auto& l : lost) {
      problems.push_back({{"studyInstanceUid", l.study_instance_uid},
                          {"studyId", l.study_id},
                          {"problem", l.problem}});
    }
    std::cout << boost::json::serialize(boost::json::object{{"checked", studies.size()},
                                                            {"problems", std::move(problems)}})
              << '\n';
  } else {
    // stdout stays TSV (UID, studyId, problem); the count is for the reader, on stderr.
    for (const auto& l : lost) {
      std::cout << l.study_instance_uid << '\t' << l.study_id << '\t' << l.problem << '\n';
    }
    std::cerr << studies.size() << " registered stud" << (studies.size() == 1 ? "y" : "ies")
              << " checked, " << lost.size() << " not as registered"
              << (lost.empty() ? "" : " (`studies resend UID` registers one again)") << '\n';
  }
  return lost.empty() ? exit_ok : exit_problems;
}

}  // namespace gw::app
