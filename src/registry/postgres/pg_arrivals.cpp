// The intake side on PostgreSQL: instances recorded side by side, a study created once
// whichever node receives its instances first.
#include <condition_variable>
#include <optional>

#include "../study_rows.hpp"
#include "gateway/fault/crash_point.hpp"
#include "pg_connection.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {

using pg::Params;
using pg::Transaction;

namespace {
// Enough for the DICOM workers of one node to commit side by side; more would only queue in
// the server.
constexpr std::size_t kArrivalConnections = 4;
}  // namespace

// Arrivals run on connections of their own, one transaction each, several at once: PostgreSQL
// flushes the WAL of concurrent commits together (its own group commit), so nothing is gained
// by queueing them into one transaction on the shared connection (measured: three times slower
// with eight threads, each arrival then paying a savepoint's two round trips), and one call's
// failure never touches another's arrival.
PostgresStudyRegistry::Recorded PostgresStudyRegistry::record_instance(
    const InstanceArrival& arrival, const NewStudy* new_study, const ArrivalDetails& details) {
  std::unique_ptr<pg::Connection> connection;
  {
    std::unique_lock lock(arrivals_mutex_);
    arrivals_free_.wait(lock, [&] {
      return !idle_arrivals_.empty() || arrival_connections_ < kArrivalConnections;
    });
    if (!idle_arrivals_.empty()) {
      connection = std::move(idle_arrivals_.back());
      idle_arrivals_.pop_back();
    } else {
      ++arrival_connections_;  // opened below, outside the lock
    }
  }
  // Back to the pool whatever happens (a broken one reconnects at its next use).
  struct Return {
    PostgresStudyRegistry& registry;
    std::unique_ptr<pg::Connection>& connection;
    ~Return() {
      std::lock_guard lock(registry.arrivals_mutex_);
      if (connection) {
        registry.idle_arrivals_.push_back(std::move(connection));
      } else {
        --registry.arrival_connections_;
      }
      registry.arrivals_free_.notify_one();
    }
  } give_back{*this, connection};
  if (!connection) connection = connect();

  Transaction tx(*connection);
  const Recorded recorded = insert_arrival(*connection, arrival, new_study, details);
  if (recorded == Recorded::unknown_study) return recorded;  // nothing written; rolled back
  // Synchronous (the server's default): once COMMIT returns, the arrival survives a crash of
  // the database too; unlike SQLite there is no unsynced arrival to reconcile.
  tx.commit();
  fault::crash_point("arrival_committed");
  return recorded;
}

bool PostgresStudyRegistry::insert_study(pg::Connection& db, const InstanceArrival& arrival,
                                         const NewStudy& study, const ArrivalDetails& details) {
  // Two associations, on this node or another, may both have routed a new study: the first
  // commit creates it, the other's (identical) decision is dropped.
  const auto inserted = db.exec(
      "INSERT INTO studies (study_instance_uid, state, rule_name, request_body, idempotency_key, "
      "first_seen, last_instance, next_attempt, updated, facts_json, description, "
      "accession_number, received_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $6, $8, $9, $10, "
      "$11) ON CONFLICT (study_instance_uid) DO NOTHING",
      Params()
          .add(arrival.study_instance_uid)
          .add(std::string(to_string(study.state)))
          .add(study.rule_name)
          .add(study.request_body)
          .add(detail::new_idempotency_key())
          .add(arrival.received)
          .add(arrival.received + (study.state == StudyState::receiving
                                       ? details.stable_after.value_or(0)
                                       : 0))
          .add(study.facts_json)
          .add(study.description)
          .add(study.accession_number)
          .add(options_.node_name));
  if (inserted.affected() == 0) return false;
  // Counted with the study, in the same transaction: a rule's hits are its studies.
  if (study.state != StudyState::receiving) count_rule_hit(db, study.rule_name, arrival.received);
  return true;
}

PostgresStudyRegistry::Recorded PostgresStudyRegistry::insert_arrival(
    pg::Connection& db, const InstanceArrival& arrival, const NewStudy* new_study,
    const ArrivalDetails& details) {
  Recorded recorded = Recorded::added;
  if (new_study) {
    if (insert_study(db, arrival, *new_study, details)) recorded = Recorded::created;
  } else if (db.exec("SELECT 1 FROM studies WHERE study_instance_uid = $1",
                       Params().add(arrival.study_instance_uid))
                 .rows() == 0) {
    return Recorded::unknown_study;
  }
  // One statement, one round trip: the instance (a duplicate SOP instance, from any node, is
  // stored again but not counted twice), the study's counters, and this node's spool copy.
  // The UPDATE locks the study's row until the commit, so concurrent arrivals of one study on
  // several nodes apply their counters one after the other, each to the row the other left
  // (READ COMMITTED re-reads it). strpos, not LIKE: LIKE takes backslash, DICOM's separator,
  // as its escape character.
  const auto written = db.exec(
      "WITH added AS (INSERT INTO instances (sop_instance_uid, study_instance_uid, bytes, "
      "received, series_instance_uid, sop_class_uid) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT (study_instance_uid, sop_instance_uid) DO NOTHING RETURNING bytes), "
      "counted AS (UPDATE studies SET instances = instances + (SELECT COUNT(*) FROM added), "
      "bytes = bytes + COALESCE((SELECT SUM(bytes) FROM added), 0), "
      "last_instance = GREATEST(last_instance, $4), "
      // a new modality is appended once, '\'-separated as DICOM does
      "modalities = CASE WHEN $7 = '' OR strpos('\\' || modalities || '\\', '\\' || $7 || "
      "'\\') > 0 THEN modalities WHEN modalities = '' THEN $7 ELSE modalities || '\\' || $7 END, "
      // and a new caller likewise
      "callers = CASE WHEN $8 = '' OR strpos('\\' || callers || '\\', '\\' || $8 || '\\') > 0 "
      "THEN callers WHEN callers = '' THEN $8 ELSE callers || '\\' || $8 END, "
      // a receiving study is due once quiet for stable_after after the latest arrival, on any node
      "next_attempt = CASE WHEN state = 'receiving' THEN GREATEST(next_attempt, $9) "
      "ELSE next_attempt END "
      "WHERE study_instance_uid = $2 RETURNING 1), "
      // this node's copy of the study in its own spool: retention deletes it once the study is
      // registered and this node received nothing newer
      "copied AS (INSERT INTO spool_copies (study_instance_uid, node, last_instance, removed) "
      "VALUES ($2, $10, $4, false) ON CONFLICT (study_instance_uid, node) DO UPDATE SET "
      "last_instance = GREATEST(spool_copies.last_instance, $4), removed = false RETURNING 1) "
      "SELECT (SELECT COUNT(*) FROM counted), (SELECT COUNT(*) FROM copied)",
      Params()
          .add(arrival.sop_instance_uid)
          .add(arrival.study_instance_uid)
          .add(arrival.bytes)
          .add(arrival.received)
          .add(details.series_instance_uid)
          .add(details.sop_class_uid)
          .add(details.modality)
          .add(details.calling_ae)
          .add(arrival.received + details.stable_after.value_or(0))
          .add(options_.node_name));
  // No study row to count into: an operator forgot the study (on any node) after this call
  // found it. Unknown now: the caller routes it and calls again; this transaction rolls back.
  if (written.integer(0, 0) == 0) return Recorded::unknown_study;
  return recorded;
}

bool PostgresStudyRegistry::knows_study(const std::string& uid) {
  std::lock_guard lock(reader_mutex_);
  return reader_->exec_retrying("SELECT 1 FROM studies WHERE study_instance_uid = $1",
                                Params().add(uid))
             .rows() > 0;
}

bool PostgresStudyRegistry::knows_instance(const std::string& study_uid,
                                           const std::string& sop_uid) {
  std::lock_guard lock(reader_mutex_);
  return reader_
             ->exec_retrying(
                 "SELECT 1 FROM instances WHERE study_instance_uid = $1 AND sop_instance_uid = $2",
                 Params().add(study_uid).add(sop_uid))
             .rows() > 0;
}

std::vector<std::string> PostgresStudyRegistry::instances_of(const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT sop_instance_uid FROM instances WHERE study_instance_uid = $1", Params().add(study_uid));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

}  // namespace gw::registry
