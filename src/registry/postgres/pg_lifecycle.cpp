// Every state change of a study on PostgreSQL: lock its row, let the domain's lifecycle decide,
// write what it decided. Nothing here chooses a state on its own; the fleet adds only which
// rows a node may take (SKIP LOCKED claims, expired leases).
#include <algorithm>

#include "../study_rows.hpp"
#include "pg_connection.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {
namespace {

using domain::EventKind;
using domain::LifecycleEvent;
using domain::lifecycle_errc;
using pg::Params;
using pg::Transaction;

void remove_study(pg::Connection& db, const std::string& uid) {
  // Every node's spool copy goes with the study: the operator forgot it fleet-wide.
  for (const char* table : {"instances", "attempts", "spool_copies", "studies"}) {
    db.exec(std::string("DELETE FROM ") + table + " WHERE study_instance_uid = $1", Params().add(uid));
  }
}

void append_attempt(pg::Connection& db, const std::string& uid, const Attempt& attempt) {
  db.exec(
      "INSERT INTO attempts (study_instance_uid, at, outcome, http_status, error, duration_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      Params()
          .add(uid)
          .add(attempt.at)
          .add(attempt.outcome)
          .add(std::int64_t{attempt.http_status})
          .add(attempt.error)
          .add(attempt.duration_ms));
}

}  // namespace

PostgresStudyRegistry::ApplyResult PostgresStudyRegistry::apply(
    const std::string& uid, const LifecycleEvent& event, const domain::LifecyclePolicy& policy,
    TimestampMs now, const Attempt* attempt) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  ApplyResult result = apply_locked(uid, event, policy, now, attempt);
  if (result && result->write) tx.commit();
  return result;
}

PostgresStudyRegistry::ApplyResult PostgresStudyRegistry::apply_locked(
    const std::string& uid, const LifecycleEvent& event, const domain::LifecyclePolicy& policy,
    TimestampMs now, const Attempt* attempt, Take take) {
  // The row stays locked until the transaction ends: no other node changes it between this
  // read and the write decided from it.
  std::string sql =
      "SELECT state, attempts, lookup_first, first_seen, next_attempt, claimed_by FROM studies "
      "WHERE study_instance_uid = $1";
  Params params;
  params.add(uid);
  switch (take) {
    case Take::waiting:
      sql += " FOR UPDATE";
      break;
    case Take::unlocked:
      sql += " FOR UPDATE SKIP LOCKED";
      break;
    case Take::expired_other:
      // Checked again on the locked row: a lease renewed meanwhile is not taken over.
      sql += " AND state = 'in_flight' AND lease_until < $2 AND claimed_by <> $3 "
             "FOR UPDATE SKIP LOCKED";
      params.add(now).add(options_.node_name);
      break;
    case Take::own_or_expired:
      sql += " AND state = 'in_flight' AND (claimed_by = $3 OR lease_until < $2) "
             "FOR UPDATE SKIP LOCKED";
      params.add(now).add(options_.node_name);
      break;
  }
  const auto row = db_->exec(sql, params);
  if (row.rows() == 0) return lifecycle_errc::no_such_study;  // gone, or another node's now
  domain::StudySnapshot snapshot;
  snapshot.state = parse_study_state(row.text(0, 0)).value_or(StudyState::pending);
  snapshot.attempts = static_cast<int>(row.integer(0, 1));
  snapshot.lookup_first = row.integer(0, 2) != 0;
  snapshot.first_seen = row.integer(0, 3);
  snapshot.next_attempt = row.integer(0, 4);
  // Another node's claim: only its outcomes, or an adoption once its lease ran out, end it.
  const std::string claimed_by = row.text(0, 5);
  snapshot.claimed_elsewhere = !claimed_by.empty() && claimed_by != options_.node_name;
  ApplyResult decided = domain::decide(event, snapshot, policy, now);
  if (!decided || !decided->write) return decided;
  write_transition(uid, *decided, event, attempt, now);
  if (observer_) observer_(uid, snapshot.state, event.kind, decided->to);
  return decided;
}

void PostgresStudyRegistry::write_transition(const std::string& uid, const domain::Transition& t,
                                             const LifecycleEvent& event, const Attempt* attempt,
                                             TimestampMs now) {
  if (t.remove) {
    remove_study(*db_, uid);
    return;
  }
  const bool receipt = event.kind == EventKind::created || event.kind == EventKind::adopted;
  // The right-hand sides read the row as it was before this UPDATE (as in SQLite).
  db_->exec(
      "UPDATE studies SET state = $1, "
      "study_id = CASE WHEN $2::text IS NOT NULL THEN $2 WHEN $9 THEN '' ELSE study_id END, "
      "last_error = CASE WHEN $3::text IS NOT NULL THEN $3 WHEN $9 THEN '' ELSE last_error END, "
      "next_attempt = COALESCE($4::bigint, next_attempt), "
      "attempts = CASE WHEN $9 THEN 0 ELSE GREATEST(attempts + $5, 0) END, "
      "updated = $6, "
      "first_attempt = CASE WHEN $9 THEN 0 WHEN $5 > 0 AND first_attempt = 0 THEN $6 "
      "WHEN $5 < 0 AND attempts <= 1 THEN 0 ELSE first_attempt END, "
      "lookup_first = COALESCE($7::bigint, lookup_first), "
      "idempotency_key = CASE WHEN $9 THEN $10 ELSE idempotency_key END, "
      // the node that holds the claim, until when; and the one that registered it
      "claimed_by = CASE WHEN $12 THEN $11 WHEN $1 = 'in_flight' THEN claimed_by ELSE '' END, "
      "lease_until = CASE WHEN $12 THEN $13 WHEN $1 = 'in_flight' THEN lease_until ELSE 0 END, "
      "registered_by = CASE WHEN $2::text IS NOT NULL THEN $11 WHEN $9 THEN '' "
      "ELSE registered_by END "
      "WHERE study_instance_uid = $8",
      Params()
          .add(std::string(to_string(t.to)))
          .add(receipt ? std::optional<std::string>(event.study_id) : std::nullopt)
          .add(attempt ? std::optional<std::string>(attempt->error) : std::nullopt)
          .add(t.next_attempt)
          .add(std::int64_t{t.attempts_delta})
          .add(now)
          .add(t.lookup_first ? std::optional<std::int64_t>(*t.lookup_first ? 1 : 0) : std::nullopt)
          .add(uid)
          .add(t.new_registration)
          .add(t.new_registration ? detail::new_idempotency_key() : std::string())
          .add(options_.node_name)
          .add(event.kind == EventKind::claimed)
          .add(now + options_.claim_lease.count()));
  if (attempt) append_attempt(*db_, uid, *attempt);
}

std::vector<std::string> PostgresStudyRegistry::mark_in_flight(const std::vector<std::string>& uids,
                                                               TimestampMs now) {
  std::vector<std::string> claimed;
  if (uids.empty()) return claimed;
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  // A study another node is claiming at this moment is skipped, not waited for; one it has
  // claimed already reads in_flight and the lifecycle refuses a second claim.
  for (const std::string& uid : uids) {
    if (apply_locked(uid, {EventKind::claimed}, {}, now, nullptr, Take::unlocked)) {
      claimed.push_back(uid);
    }
  }
  tx.commit();
  return claimed;
}

void PostgresStudyRegistry::release_unsent(const std::vector<std::string>& uids, TimestampMs now) {
  if (uids.empty()) return;
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  for (const std::string& uid : uids) {
    apply_locked(uid, {EventKind::released_unsent}, {}, now, nullptr);
  }
  tx.commit();
}

int PostgresStudyRegistry::apply_to_each(const std::vector<std::string>& uids, EventKind kind,
                                         TimestampMs now, Take take) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  int changed = 0;
  for (const std::string& uid : uids) {
    if (apply_locked(uid, {kind}, {}, now, nullptr, take)) ++changed;
  }
  tx.commit();
  return changed;
}

namespace {

std::vector<std::string> column_of(const pg::Result& r) {
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

}  // namespace

int PostgresStudyRegistry::retry_all_failed(TimestampMs now) {
  std::lock_guard lock(mutex_);
  return apply_to_each(
      column_of(db_->exec("SELECT study_instance_uid FROM studies WHERE state = 'failed' "
                          "ORDER BY study_instance_uid")),
      EventKind::operator_retry, now);
}

int PostgresStudyRegistry::requeue_in_flight(TimestampMs now) {
  std::lock_guard lock(mutex_);
  // This node's own claims (its previous life's) and any whose lease ran out; never another
  // live node's: its request may be on the wire right now.
  const auto candidates = db_->exec_retrying(
      "SELECT study_instance_uid FROM studies WHERE state = 'in_flight' AND "
      "(claimed_by = $2 OR lease_until < $1) ORDER BY study_instance_uid",
      Params().add(now).add(options_.node_name));
  return apply_to_each(column_of(candidates), EventKind::crash_recovered, now, Take::own_or_expired);
}

int PostgresStudyRegistry::adopt_expired_claims(TimestampMs now) {
  std::lock_guard lock(mutex_);
  // A node that stopped renewing (it died, or lost the database) may have sent its request:
  // crash_recovered makes the next attempt look the study up first.
  const auto candidates = db_->exec_retrying(
      "SELECT study_instance_uid FROM studies WHERE state = 'in_flight' AND lease_until < $1 "
      "AND claimed_by <> $2 ORDER BY study_instance_uid",
      Params().add(now).add(options_.node_name));
  if (candidates.rows() == 0) return 0;
  return apply_to_each(column_of(candidates), EventKind::crash_recovered, now, Take::expired_other);
}

int PostgresStudyRegistry::reschedule_waiting(TimestampMs paused_until, TimestampMs now) {
  std::lock_guard lock(mutex_);
  // A study that failed with 401/403 waits exactly until the pause's end; one backed off
  // for another reason (Retry-After, an outage) keeps its own time.
  return apply_to_each(
      column_of(db_->exec("SELECT study_instance_uid FROM studies WHERE state = 'pending' AND "
                          "next_attempt = $1 ORDER BY study_instance_uid",
                          Params().add(paused_until))),
      EventKind::auth_resumed, now);
}

bool PostgresStudyRegistry::route_stable(const std::string& uid, const NewStudy& study,
                                         TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const bool ignore = study.state == StudyState::ignored;
  const LifecycleEvent event{ignore ? EventKind::routed_ignore : EventKind::routed_register};
  if (!apply_locked(uid, event, {}, now, nullptr)) return false;
  db_->exec(
      "UPDATE studies SET rule_name = $1, request_body = $2, facts_json = $3 "
      "WHERE study_instance_uid = $4",
      Params().add(study.rule_name).add(study.request_body).add(study.facts_json).add(uid));
  count_rule_hit(*db_, study.rule_name, now);
  tx.commit();
  return true;
}

}  // namespace gw::registry
