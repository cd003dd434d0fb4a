// The intake side on PostgreSQL: instances recorded with group commit, a study created once
// whichever node receives its instances first.
#include <algorithm>
#include <optional>

#include "../study_rows.hpp"
#include "gateway/fault/crash_point.hpp"
#include "pg_connection.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {

using pg::Params;
using pg::Transaction;

PostgresStudyRegistry::Recorded PostgresStudyRegistry::record_instance(
    const InstanceArrival& arrival, const NewStudy* new_study, const ArrivalDetails& details) {
  PendingArrival me{arrival, new_study, details, Recorded::added, false, nullptr};
  std::unique_lock group(group_mutex_);
  group_queue_.push_back(&me);
  while (!me.done) {
    if (group_committing_) {
      group_done_.wait(group);
      continue;
    }
    // Leader: commit everything queued so far (this call included), then hand over.
    group_committing_ = true;
    std::vector<PendingArrival*> batch;
    batch.swap(group_queue_);
    group.unlock();
    commit_arrivals(batch);
    group.lock();
    for (PendingArrival* p : batch) p->done = true;
    group_committing_ = false;
    group_done_.notify_all();  // the batch's callers, and a next leader for the new queue
  }
  if (me.error) std::rethrow_exception(me.error);
  return me.recorded;
}

void PostgresStudyRegistry::commit_arrivals(const std::vector<PendingArrival*>& group) noexcept {
  std::lock_guard lock(mutex_);
  try {
    // Rows are locked in UID order: two nodes' groups that touch the same studies then never
    // wait for each other in a cycle (a deadlock would fail an arrival after a second).
    std::vector<PendingArrival*> ordered(group);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
      return a->arrival.study_instance_uid < b->arrival.study_instance_uid;
    });
    Transaction tx(*db_);
    for (PendingArrival* p : ordered) {
      try {
        Transaction arrival(*db_);  // a savepoint: a failure undoes this arrival only
        p->recorded = insert_arrival(*p);
        if (p->recorded == Recorded::unknown_study) continue;  // nothing written; rolled back
        arrival.commit();
      } catch (...) {
        p->error = std::current_exception();
      }
    }
    // Synchronous (the server's default): once COMMIT returns, the arrival survives a crash of
    // the database too; unlike SQLite there is no unsynced arrival to reconcile.
    tx.commit();
    fault::crash_point("arrival_committed");
  } catch (...) {
    // BEGIN or COMMIT failed (the database went away): nothing of the group is recorded.
    const std::exception_ptr error = std::current_exception();
    for (PendingArrival* p : group) {
      if (!p->error) p->error = error;
    }
  }
}

bool PostgresStudyRegistry::insert_study(const InstanceArrival& arrival, const NewStudy& study,
                                         const ArrivalDetails& details) {
  // Two associations, on this node or another, may both have routed a new study: the first
  // commit creates it, the other's (identical) decision is dropped.
  const auto inserted = db_->exec(
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
  if (study.state != StudyState::receiving) count_rule_hit(study.rule_name, arrival.received);
  return true;
}

PostgresStudyRegistry::Recorded PostgresStudyRegistry::insert_arrival(const PendingArrival& p) {
  const InstanceArrival& arrival = p.arrival;
  const ArrivalDetails& details = p.details;
  Recorded recorded = Recorded::added;
  if (p.new_study) {
    if (insert_study(arrival, *p.new_study, details)) recorded = Recorded::created;
  } else if (db_->exec("SELECT 1 FROM studies WHERE study_instance_uid = $1",
                       Params().add(arrival.study_instance_uid))
                 .rows() == 0) {
    return Recorded::unknown_study;
  }
  const auto instance = db_->exec(
      "INSERT INTO instances (sop_instance_uid, study_instance_uid, bytes, received, "
      "series_instance_uid, sop_class_uid) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT (study_instance_uid, sop_instance_uid) DO NOTHING",
      Params()
          .add(arrival.sop_instance_uid)
          .add(arrival.study_instance_uid)
          .add(arrival.bytes)
          .add(arrival.received)
          .add(details.series_instance_uid)
          .add(details.sop_class_uid));
  // A duplicate SOP instance (from any node) is stored again but not counted twice.
  const bool new_instance = instance.affected() > 0;
  // The row is locked by this UPDATE until the commit, so concurrent arrivals of one study on
  // several nodes apply their counters one after the other, each to the row the other left
  // (READ COMMITTED re-reads it). strpos, not LIKE: LIKE takes backslash, DICOM's separator,
  // as its escape character.
  db_->exec(
      "UPDATE studies SET instances = instances + $1, bytes = bytes + $2, "
      "last_instance = GREATEST(last_instance, $3), "
      // a new modality is appended once, '\'-separated as DICOM does
      "modalities = CASE WHEN $5 = '' OR strpos('\\' || modalities || '\\', '\\' || $5 || '\\') > 0 "
      "THEN modalities WHEN modalities = '' THEN $5 ELSE modalities || '\\' || $5 END, "
      // and a new caller likewise
      "callers = CASE WHEN $6 = '' OR strpos('\\' || callers || '\\', '\\' || $6 || '\\') > 0 "
      "THEN callers WHEN callers = '' THEN $6 ELSE callers || '\\' || $6 END, "
      // a receiving study is due once quiet for stable_after after the latest arrival, on any node
      "next_attempt = CASE WHEN state = 'receiving' THEN GREATEST(next_attempt, $7) "
      "ELSE next_attempt END "
      "WHERE study_instance_uid = $4",
      Params()
          .add(std::int64_t{new_instance ? 1 : 0})
          .add(new_instance ? arrival.bytes : std::int64_t{0})
          .add(arrival.received)
          .add(arrival.study_instance_uid)
          .add(details.modality)
          .add(details.calling_ae)
          .add(arrival.received + details.stable_after.value_or(0)));
  // This node's copy of the study in its own spool: retention deletes it when the study is
  // registered and this node received nothing newer.
  db_->exec(
      "INSERT INTO spool_copies (study_instance_uid, node, last_instance, removed) "
      "VALUES ($1, $2, $3, false) ON CONFLICT (study_instance_uid, node) DO UPDATE SET "
      "last_instance = GREATEST(spool_copies.last_instance, $3), removed = false",
      Params().add(arrival.study_instance_uid).add(options_.node_name).add(arrival.received));
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
