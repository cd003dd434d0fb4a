#include "console_api.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "console_json.hpp"
#include "console_replies.hpp"
#include "gateway/domain/study_facts_json.hpp"
#include "gateway/log/log.hpp"
#include "gateway/operations/study_desk.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/viewer/wire_format.hpp"

namespace gw::console {
namespace {

constexpr std::size_t kDefaultPage = 50;
constexpr std::size_t kMaxPage = 500;

registry::TimestampMs now(const ConsoleState& state) { return state.services.clock(); }

std::string param(boost::urls::params_view query, std::string_view key) {
  const auto it = query.find(key);
  return it == query.end() ? std::string{} : std::string((*it).value);
}

/// The timeline of a study's page: what arrived, how it was routed, every attempt.
boost::json::array timeline(const registry::StudyRecord& s, const std::vector<registry::Attempt>& attempts) {
  boost::json::array out;
  out.push_back({{"at", json_time(s.first_seen)}, {"kind", "arrival"}, {"detail", "first instance received"}});
  if (s.state != registry::StudyState::receiving) {
    out.push_back({{"at", json_time(s.first_seen)},
                   {"kind", "routed"},
                   {"detail", "rule " + s.rule_name + (s.state == registry::StudyState::ignored ? ": ignore" : ": register")}});
  }
  for (const auto& a : attempts) {
    std::string detail = a.outcome;
    if (a.http_status) detail += " (HTTP " + std::to_string(a.http_status) + ")";
    if (!a.error.empty()) detail += ": " + a.error;
    out.push_back({{"at", json_time(a.at)}, {"kind", "attempt"}, {"detail", detail}});
  }
  if (s.last_instance > s.first_seen) {
    out.push_back({{"at", json_time(s.last_instance)},
                   {"kind", "arrival"},
                   {"detail", "latest instance (" + std::to_string(s.instances) + " in all)"}});
  }
  out.push_back({{"at", json_time(s.updated)}, {"kind", "state"}, {"detail", std::string(to_string(s.state))}});
  return out;
}

/// HTTP status and stable code for a refused action.
std::pair<http::status, std::string_view> refusal(const boost::system::error_code& ec) {
  if (ec == domain::lifecycle_errc::no_such_study) return {http::status::not_found, "no_such_study"};
  if (ec == operations::desk_errc::spool_not_removed) return {http::status::internal_server_error, "spool_not_removed"};
  return {http::status::conflict, "not_allowed_in_state"};
}

}  // namespace

Response get_status(ConsoleState& state, const Request& request) {
  const GatewayStatus status = state.services.status();
  const registry::TimestampMs t = now(state);
  boost::json::object states;
  for (const auto& [s, count] : status.states) states[to_string(s)] = count;
  boost::json::array alarms;
  for (const auto& a : status.alarms) {
    alarms.push_back({{"alarm", a.alarm}, {"since", json_time(a.since)}, {"detail", a.detail}});
  }
  registry::StudyQuery failed;
  failed.state = registry::StudyState::failed;
  failed.limit = 5;
  boost::json::array last_failures;
  for (const auto& s : state.services.desk->find(failed).studies) {
    last_failures.push_back({{"studyInstanceUid", s.study_instance_uid},
                             {"at", json_time(s.updated)},
                             {"error", s.last_error},
                             {"description", s.description}});
  }
  return json_reply(request, http::status::ok,
                    boost::json::object{
                        {"version", state.services.version},
                        {"node", status.node},
                        {"startedAt", json_time(state.started)},
                        {"uptimeSeconds", (t - state.started) / 1000},
                        {"states", std::move(states)},
                        {"rates", {{"instancesLastMinute", state.instances.last_minute(t / 1000)},
                                   {"registrationsLastMinute", state.registrations.last_minute(t / 1000)}}},
                        {"ready", status.not_ready.empty()},
                        {"notReady", status.not_ready},
                        {"alarms", std::move(alarms)},
                        {"breakerOpen", status.breaker_open},
                        {"authPausedUntil", status.auth_paused_until > t ? json_time(status.auth_paused_until) : nullptr},
                        {"spool", {{"freeBytes", status.spool_free_bytes}, {"totalBytes", status.spool_total_bytes}}},
                        {"openEventStreams", state.events ? state.events->open_streams() : 0},
                        {"lastFailures", std::move(last_failures)}});
}

Response get_studies(ConsoleState& state, const Request& request, boost::urls::params_view query) {
  registry::StudyQuery q;
  const registry::TimestampMs t = now(state);
  if (const std::string s = param(query, "state"); !s.empty()) {
    q.state = registry::parse_study_state(s);
    if (!q.state) {
      return error_reply(request, http::status::bad_request, "invalid_request",
                         "state must be receiving, pending, in_flight, registered, failed or ignored");
    }
  }
  q.text = param(query, "q");
  q.calling_ae = param(query, "calling_ae");
  for (const auto& [key, target] : {std::pair{"since", &q.since}, std::pair{"until", &q.until}}) {
    if (const std::string s = param(query, key); !s.empty()) {
      *target = parse_time(s, t);
      if (!*target) {
        return error_reply(request, http::status::bad_request, "invalid_request",
                           std::string(key) + " takes a date (2026-11-01, 2026-11-01T08:00:00Z) or a duration (24h)");
      }
    }
  }
  q.limit = kDefaultPage;
  if (const std::string s = param(query, "limit"); !s.empty()) {
    char* end = nullptr;
    const long limit = std::strtol(s.c_str(), &end, 10);
    if (*end != '\0' || limit < 1 || limit > static_cast<long>(kMaxPage)) {
      return error_reply(request, http::status::bad_request, "invalid_request", "limit must be 1 to 500");
    }
    q.limit = static_cast<std::size_t>(limit);
  }
  if (const std::string s = param(query, "cursor"); !s.empty()) {
    q.after = parse_cursor(s);
    if (!q.after) return error_reply(request, http::status::bad_request, "invalid_request", "cursor is not one this API gave");
  }
  const registry::StudyPage page = state.services.desk->find(q);
  boost::json::array studies;
  for (const auto& s : page.studies) studies.push_back(study_summary(s));
  boost::json::value next = nullptr;
  if (page.more && !page.studies.empty()) next = boost::json::string(cursor_after(page.studies.back()));
  return json_reply(request, http::status::ok,
                    boost::json::object{{"studies", std::move(studies)}, {"nextCursor", std::move(next)}});
}

Response get_study(ConsoleState& state, const Request& request, const std::string& uid,
                   const Principal& user) {
  const auto study = state.services.desk->study(uid);
  if (!study) return error_reply(request, http::status::not_found, "no_such_study", "no study " + uid);
  const auto attempts = state.services.desk->attempts(uid);
  boost::json::object routing{{"rule", study->rule_name},
                              {"action", study->state == registry::StudyState::ignored ? "ignore"
                                         : study->state == registry::StudyState::receiving ? "wait_until_stable"
                                                                                            : "register"}};
  boost::json::object facts;
  if (auto stored = facts_from_json(study->facts_json)) {
    const StudyFacts shown = without_patient_identity(std::move(*stored));
    facts = facts_json(shown);
    // Against the rules in force now, on what was kept (never the patient's identity).
    routing["explanation"] = explanation_json(state.services.rules()->explain(shown));
  } else {
    routing["explanation"] = boost::json::array{};
  }
  boost::json::array attempt_list;
  for (const auto& a : attempts) attempt_list.push_back(attempt_json(a));
  boost::json::array actions;
  if (user.role == config::ConsoleRole::operator_) {
    for (const auto& action : operations::allowed_actions(*study)) actions.emplace_back(action);
  }
  return json_reply(request, http::status::ok,
                    boost::json::object{{"study", study_details(*study)},
                                        {"facts", std::move(facts)},
                                        {"routing", std::move(routing)},
                                        // An ignored study is never sent.
                                        {"request", study->state == registry::StudyState::ignored
                                                        ? boost::json::value(nullptr)
                                                        : request_json(study->request_body)},
                                        {"attempts", std::move(attempt_list)},
                                        {"timeline", timeline(*study, attempts)},
                                        {"actions", std::move(actions)}});
}

Response post_action(ConsoleState& state, const Request& request, const std::string& uid,
                     std::string_view action, const Principal& user) {
  operations::StudyDesk& desk = *state.services.desk;
  const operations::ActionResult done = action == "retry"    ? desk.retry(uid)
                                        : action == "resend" ? desk.resend(uid)
                                                             : desk.forget(uid);
  // The audit trail: who did what to which study (a UID, never patient data).
  log::info("console_action")
      .kv("user", user.name)
      .kv("action", action)
      .kv("study_uid", uid)
      .kv("result", done ? "done" : done.error().message());
  if (!done) {
    const auto [status, code] = refusal(done.error());
    std::string message = std::string(action) + " " + uid + ": " + done.error().message();
    if (const auto study = desk.study(uid)) message += " (state " + std::string(to_string(study->state)) + ")";
    return error_reply(request, status, code, message);
  }
  return json_reply(request, http::status::ok,
                    boost::json::object{{"studyInstanceUid", uid},
                                        {"state", to_string(done->state)},
                                        {"message", done->message}});
}

Response get_rules(ConsoleState& state, const Request& request) {
  registry::TimestampMs since = 0;
  const auto hits = state.services.desk->rule_hits(&since);
  const auto rules = state.services.rules();
  boost::json::array out;
  // Names and lines from the rules in force (explain() walks them all in order).
  for (const auto& rule : rules->explain(StudyFacts{}).rules) {
    std::int64_t count = 0;
    for (const auto& [name, n] : hits) {
      if (name == rule.rule_name) count = n;
    }
    out.push_back({{"name", rule.rule_name},
                   {"line", rule.line},
                   {"action", rule.ignores ? "ignore" : "register"},
                   {"hits", count}});
  }
  // The default takes what no rule matched: it has hits like a rule.
  std::int64_t default_hits = 0;
  for (const auto& [name, n] : hits) {
    if (name == "default") default_hits = n;
  }
  out.push_back({{"name", "default"},
                 {"line", 0},
                 {"action", rules->default_ignores() ? "ignore" : "register"},
                 {"hits", default_hits}});
  return json_reply(request, http::status::ok,
                    boost::json::object{{"since", json_time(since)}, {"rules", std::move(out)}});
}

Response post_route(ConsoleState& state, const Request& request, boost::urls::params_view query) {
  // A file of our own, named at random, removed before answering: nothing is kept.
  std::mt19937_64 rng{std::random_device{}()};
  const std::filesystem::path file =
      state.services.scratch_dir / ("console-route-" + std::to_string(rng()) + ".dcm");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(request.body().data(), static_cast<std::streamsize>(request.body().size()));
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
      return error_reply(request, http::status::service_unavailable, "storage_failed",
                         "the uploaded file could not be written to the spool's scratch folder");
    }
  }
  AssociationInfo association{param(query, "calling_ae"), param(query, "called_ae"), param(query, "peer_address")};
  std::string error;
  std::optional<StudyFacts> facts = state.services.read_file_facts(file, association, error);
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  if (!facts) {
    return error_reply(request, http::status::unprocessable_entity, "not_dicom",
                       error);
  }
  // Explained on what the console may show: rules that test the patient's identity are
  // explained without it here (`dicom-gateway route` on the gateway uses everything).
  const StudyFacts shown = without_patient_identity(std::move(*facts));
  const routing::Explanation explanation = state.services.rules()->explain(shown);
  const bool ignore = explanation.decision.action == routing::RoutingDecision::Action::ignore;
  boost::json::array skipped;
  for (const auto& r : explanation.rules) {
    if (r.matched) break;
    skipped.push_back({{"rule", r.rule_name}, {"line", r.line}, {"failedCondition", r.failed_condition}});
  }
  boost::json::array warnings;
  for (const auto& w : explanation.decision.warnings) warnings.emplace_back(w);
  return json_reply(request, http::status::ok,
                    boost::json::object{{"studyInstanceUid", shown.study_instance_uid},
                                        {"rule", explanation.decision.rule_name},
                                        {"action", ignore ? "ignore" : "register"},
                                        {"skipped", std::move(skipped)},
                                        {"warnings", std::move(warnings)},
                                        {"facts", facts_json(shown)},
                                        {"request", ignore ? boost::json::value(nullptr)
                                                           : request_json(viewer::to_json(explanation.decision.request))}});
}

}  // namespace gw::console
