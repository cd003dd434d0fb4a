// Every state change of a study: read its row, let the domain's lifecycle decide, write what
// it decided. Nothing here chooses a state on its own.
#include "sqlite_study_registry.hpp"

#include <sqlite3.h>

#include "registry_transaction.hpp"
#include "sqlite_statement.hpp"
#include "study_rows.hpp"

namespace gw::registry {
namespace {

using domain::EventKind;
using domain::LifecycleEvent;
using domain::lifecycle_errc;

std::optional<domain::StudySnapshot> read_snapshot(StatementCache& statements,
                                                   const std::string& uid, const std::string& node) {
  SqliteStatement s(statements,
                    "SELECT state, attempts, lookup_first, first_seen, next_attempt, claimed_by "
                    "FROM studies WHERE study_instance_uid = ?");
  s.bind(1, uid);
  if (!s.step()) return std::nullopt;
  domain::StudySnapshot snapshot;
  snapshot.state = parse_study_state(s.text(0)).value_or(StudyState::pending);
  snapshot.attempts = static_cast<int>(s.integer(1));
  snapshot.lookup_first = s.integer(2) != 0;
  snapshot.first_seen = s.integer(3);
  snapshot.next_attempt = s.integer(4);
  snapshot.claimed_elsewhere = !s.text(5).empty() && s.text(5) != node;
  return snapshot;
}

void remove_study(StatementCache& statements, const std::string& uid) {
  SqliteStatement(statements, "DELETE FROM instances WHERE study_instance_uid = ?").bind(1, uid).run();
  SqliteStatement(statements, "DELETE FROM attempts WHERE study_instance_uid = ?").bind(1, uid).run();
  SqliteStatement(statements, "DELETE FROM studies WHERE study_instance_uid = ?").bind(1, uid).run();
}

void append_attempt(StatementCache& statements, const std::string& uid, const Attempt& attempt) {
  SqliteStatement(statements,
                  "INSERT INTO attempts (study_instance_uid, at, outcome, http_status, error, "
                  "duration_ms) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, uid)
      .bind(2, attempt.at)
      .bind(3, attempt.outcome)
      .bind(4, std::int64_t{attempt.http_status})
      .bind(5, attempt.error)
      .bind(6, attempt.duration_ms)
      .run();
}

}  // namespace

SqliteStudyRegistry::ApplyResult SqliteStudyRegistry::apply(const std::string& uid,
                                                const LifecycleEvent& event,
                                                const domain::LifecyclePolicy& policy,
                                                TimestampMs now, const Attempt* attempt) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  ApplyResult result = apply_locked(uid, event, policy, now, attempt);
  if (result && result->write) tx.commit();
  return result;
}

SqliteStudyRegistry::ApplyResult SqliteStudyRegistry::apply_locked(const std::string& uid,
                                                       const LifecycleEvent& event,
                                                       const domain::LifecyclePolicy& policy,
                                                       TimestampMs now, const Attempt* attempt) {
  const auto snapshot = read_snapshot(*statements_, uid, options_.node_name);
  if (!snapshot) return lifecycle_errc::no_such_study;
  ApplyResult decided = domain::decide(event, *snapshot, policy, now);
  if (!decided || !decided->write) return decided;
  write_transition(uid, *decided, event, attempt, now);
  if (observer_) observer_(uid, snapshot->state, event.kind, decided->to);
  return decided;
}

void SqliteStudyRegistry::write_transition(const std::string& uid, const domain::Transition& t,
                                     const LifecycleEvent& event, const Attempt* attempt,
                                     TimestampMs now) {
  if (t.remove) {
    remove_study(*statements_, uid);
    return;
  }
  const bool receipt = event.kind == EventKind::created || event.kind == EventKind::adopted;
  // The right-hand sides read the row as it was before this UPDATE (SQLite's rule).
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = ?1, "
                    "study_id = CASE WHEN ?2 IS NOT NULL THEN ?2 WHEN ?9 THEN '' ELSE study_id END, "
                    "last_error = CASE WHEN ?3 IS NOT NULL THEN ?3 WHEN ?9 THEN '' "
                    "ELSE last_error END, "
                    "next_attempt = COALESCE(?4, next_attempt), "
                    "attempts = CASE WHEN ?9 THEN 0 ELSE MAX(attempts + ?5, 0) END, "
                    "updated = ?6, "
                    "first_attempt = CASE WHEN ?9 THEN 0 WHEN ?5 > 0 AND first_attempt = 0 THEN ?6 "
                    "WHEN ?5 < 0 AND attempts <= 1 THEN 0 ELSE first_attempt END, "
                    "lookup_first = COALESCE(?7, lookup_first), "
                    "idempotency_key = CASE WHEN ?9 THEN ?10 ELSE idempotency_key END, "
                    // the node that holds the claim, until when; and the one that registered it
                    "claimed_by = CASE WHEN ?12 THEN ?11 WHEN ?1 = 'in_flight' THEN claimed_by "
                    "ELSE '' END, "
                    "lease_until = CASE WHEN ?12 THEN ?13 WHEN ?1 = 'in_flight' THEN lease_until "
                    "ELSE 0 END, "
                    "registered_by = CASE WHEN ?2 IS NOT NULL THEN ?11 WHEN ?9 THEN '' "
                    "ELSE registered_by END "
                    "WHERE study_instance_uid = ?8");
  s.bind(1, to_string(t.to));
  receipt ? s.bind(2, event.study_id) : s.bind_null(2);
  attempt ? s.bind(3, attempt->error) : s.bind_null(3);
  t.next_attempt ? s.bind(4, *t.next_attempt) : s.bind_null(4);
  s.bind(5, std::int64_t{t.attempts_delta}).bind(6, now);
  t.lookup_first ? s.bind(7, std::int64_t{*t.lookup_first ? 1 : 0}) : s.bind_null(7);
  s.bind(8, uid).bind(9, std::int64_t{t.new_registration ? 1 : 0});
  s.bind(10, t.new_registration ? detail::new_idempotency_key() : std::string());
  s.bind(11, options_.node_name).bind(12, std::int64_t{event.kind == EventKind::claimed ? 1 : 0});
  s.bind(13, now + options_.claim_lease.count());
  s.run();
  if (attempt) append_attempt(*statements_, uid, *attempt);
}

std::vector<std::string> SqliteStudyRegistry::mark_in_flight(const std::vector<std::string>& uids,
                                                       TimestampMs now) {
  std::vector<std::string> claimed;
  if (uids.empty()) return claimed;
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  for (const std::string& uid : uids) {
    if (apply_locked(uid, {EventKind::claimed}, {}, now, nullptr)) claimed.push_back(uid);
  }
  tx.commit();
  return claimed;
}

void SqliteStudyRegistry::release_unsent(const std::vector<std::string>& uids, TimestampMs now) {
  if (uids.empty()) return;
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  for (const std::string& uid : uids) apply_locked(uid, {EventKind::released_unsent}, {}, now, nullptr);
  tx.commit();
}

std::vector<std::string> SqliteStudyRegistry::uids_in(StudyState state) {
  SqliteStatement s(*statements_, "SELECT study_instance_uid FROM studies WHERE state = ?");
  s.bind(1, to_string(state));
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

int SqliteStudyRegistry::apply_to_each(const std::vector<std::string>& uids, EventKind kind,
                                 TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  int changed = 0;
  for (const std::string& uid : uids) {
    if (apply_locked(uid, {kind}, {}, now, nullptr)) ++changed;
  }
  tx.commit();
  return changed;
}

int SqliteStudyRegistry::retry_all_failed(TimestampMs now) {
  std::lock_guard lock(mutex_);
  return apply_to_each(uids_in(StudyState::failed), EventKind::operator_retry, now);
}

int SqliteStudyRegistry::requeue_in_flight(TimestampMs now) {
  std::lock_guard lock(mutex_);
  return apply_to_each(uids_in(StudyState::in_flight), EventKind::crash_recovered, now);
}

int SqliteStudyRegistry::reschedule_waiting(TimestampMs paused_until, TimestampMs now) {
  std::lock_guard lock(mutex_);
  // A study that failed with 401/403 waits exactly until the pause's end; one backed off
  // for another reason (Retry-After, an outage) keeps its own time.
  SqliteStatement s(*statements_,
                    "SELECT study_instance_uid FROM studies WHERE state = 'pending' AND "
                    "next_attempt = ?");
  s.bind(1, paused_until);
  std::vector<std::string> waiting;
  while (s.step()) waiting.push_back(s.text(0));
  return apply_to_each(waiting, EventKind::auth_resumed, now);
}

bool SqliteStudyRegistry::route_stable(const std::string& uid, const NewStudy& study, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  const bool ignore = study.state == StudyState::ignored;
  const LifecycleEvent event{ignore ? EventKind::routed_ignore : EventKind::routed_register};
  if (!apply_locked(uid, event, {}, now, nullptr)) return false;
  SqliteStatement(*statements_,
                  "UPDATE studies SET rule_name = ?, request_body = ?, facts_json = ? "
                  "WHERE study_instance_uid = ?")
      .bind(1, study.rule_name)
      .bind(2, study.request_body)
      .bind(3, study.facts_json)
      .bind(4, uid)
      .run();
  detail::count_rule_hit(*statements_, study.rule_name, now);
  tx.commit();
  return true;
}

}  // namespace gw::registry
