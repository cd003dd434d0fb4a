// The registry's intake side: instances recorded with group commit.
#include "sqlite_study_registry.hpp"

#include <sqlite3.h>

#include <optional>

#include "gateway/fault/crash_point.hpp"
#include "registry_transaction.hpp"
#include "sqlite_statement.hpp"
#include "study_rows.hpp"
#include "wal_writeback.hpp"

namespace gw::registry {

SqliteStudyRegistry::Recorded SqliteStudyRegistry::record_instance(const InstanceArrival& arrival,
                                                       const NewStudy* new_study,
                                                       const ArrivalDetails& details) {
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

void SqliteStudyRegistry::commit_arrivals(const std::vector<PendingArrival*>& group) noexcept {
  std::lock_guard lock(mutex_);
  try {
    std::optional<UnsyncedCommits> unsynced;
    if (!in_batch_) unsynced.emplace(*statements_);
    Transaction tx(*statements_, in_batch_);
    for (PendingArrival* p : group) {
      try {
        Transaction arrival(*statements_, true);  // a savepoint: a failure undoes this arrival only
        p->recorded = insert_arrival(*p);
        if (p->recorded == Recorded::unknown_study) continue;  // nothing written; rolled back
        arrival.commit();
      } catch (...) {
        p->error = std::current_exception();
      }
    }
    tx.commit();
    fault::crash_point("arrival_committed");
    if (unsynced) wal_writeback_->committed();
  } catch (...) {
    // BEGIN or COMMIT failed (a full disk, a broken file): nothing of the group is durable.
    const std::exception_ptr error = std::current_exception();
    for (PendingArrival* p : group) {
      if (!p->error) p->error = error;
    }
  }
}

bool SqliteStudyRegistry::insert_study(const InstanceArrival& arrival, const NewStudy& study,
                                 const ArrivalDetails& details) {
  // Two associations may both have routed a new study: the first commit creates it, the
  // other's (identical) decision is dropped.
  SqliteStatement insert(*statements_,
                         "INSERT INTO studies (study_instance_uid, state, rule_name, "
                         "request_body, idempotency_key, first_seen, last_instance, "
                         "next_attempt, updated, facts_json, description, accession_number, "
                         "received_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT(study_instance_uid) DO NOTHING");
  insert.bind(1, arrival.study_instance_uid)
      .bind(2, to_string(study.state))
      .bind(3, study.rule_name)
      .bind(4, study.request_body)
      .bind(5, detail::new_idempotency_key())
      .bind(6, arrival.received)
      .bind(7, arrival.received)
      .bind(8, arrival.received + (study.state == StudyState::receiving
                                       ? details.stable_after.value_or(0)
                                       : 0))
      .bind(9, arrival.received)
      .bind(10, study.facts_json)
      .bind(11, study.description)
      .bind(12, study.accession_number)
      .bind(13, options_.node_name)
      .run();
  if (sqlite3_changes(db_) == 0) return false;
  // Counted with the study, in the same transaction: a rule's hits are its studies.
  if (study.state != StudyState::receiving) {  // a receiving study is counted when routed
    detail::count_rule_hit(*statements_, study.rule_name, arrival.received);
  }
  return true;
}

SqliteStudyRegistry::Recorded SqliteStudyRegistry::insert_arrival(const PendingArrival& p) {
  const InstanceArrival& arrival = p.arrival;
  const ArrivalDetails& details = p.details;
  Recorded recorded = Recorded::added;
  if (p.new_study) {
    if (insert_study(arrival, *p.new_study, details)) recorded = Recorded::created;
  } else {
    SqliteStatement exists(*statements_, "SELECT 1 FROM studies WHERE study_instance_uid = ?");
    exists.bind(1, arrival.study_instance_uid);
    if (!exists.step()) return Recorded::unknown_study;
  }
  SqliteStatement instance(*statements_,
                           "INSERT OR IGNORE INTO instances (sop_instance_uid, "
                           "study_instance_uid, bytes, received, series_instance_uid, sop_class_uid) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
  instance.bind(1, arrival.sop_instance_uid)
      .bind(2, arrival.study_instance_uid)
      .bind(3, arrival.bytes)
      .bind(4, arrival.received)
      .bind(5, details.series_instance_uid)
      .bind(6, details.sop_class_uid)
      .run();
  // A duplicate SOP instance is stored again but not counted twice.
  const bool new_instance = sqlite3_changes(db_) > 0;
  SqliteStatement counters(*statements_,
                           "UPDATE studies SET instances = instances + ?, bytes = bytes + ?, "
                           "last_instance = ?, spool_removed = 0, "
                           // a new modality is appended once, '\\'-separated as DICOM does
                           "modalities = CASE WHEN ?5 = '' OR ('\\' || modalities || '\\') "
                           "LIKE ('%\\' || ?5 || '\\%') THEN modalities WHEN modalities = '' "
                           "THEN ?5 ELSE modalities || '\\' || ?5 END, "
                           // and a new caller likewise
                           "callers = CASE WHEN ?6 = '' OR instr('\\' || callers || '\\', '\\' || ?6 || "
                           "'\\') > 0 THEN callers WHEN callers = '' "
                           "THEN ?6 ELSE callers || '\\' || ?6 END "
                           "WHERE study_instance_uid = ?4");
  counters.bind(1, std::int64_t{new_instance ? 1 : 0})
      .bind(2, new_instance ? arrival.bytes : std::int64_t{0})
      .bind(3, arrival.received)
      .bind(4, arrival.study_instance_uid)
      .bind(5, details.modality)
      .bind(6, details.calling_ae)
      .run();
  // A receiving study is due once it has been quiet for stable_after. A statement of its own,
  // matching receiving studies only: an UPDATE that assigns next_attempt rewrites both indexes
  // that hold it, two of the seven pages each arrival added to the WAL, for every instance of
  // a study already pending.
  SqliteStatement quiet(*statements_,
                        "UPDATE studies SET next_attempt = MAX(next_attempt, ?) "
                        "WHERE study_instance_uid = ? AND state = 'receiving'");
  quiet.bind(1, arrival.received + details.stable_after.value_or(0))
      .bind(2, arrival.study_instance_uid)
      .run();
  return recorded;
}

bool SqliteStudyRegistry::knows_study(const std::string& uid) {
  return read_exists("SELECT 1 FROM studies WHERE study_instance_uid = ?", uid);
}

bool SqliteStudyRegistry::knows_instance(const std::string& study_uid, const std::string& sop_uid) {
  return read_exists(
      "SELECT 1 FROM instances WHERE study_instance_uid = ? AND sop_instance_uid = ?", study_uid,
      sop_uid);
}

std::vector<std::string> SqliteStudyRegistry::instances_of(const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT sop_instance_uid FROM instances WHERE study_instance_uid = ?");
  s.bind(1, study_uid);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

bool SqliteStudyRegistry::read_exists(const char* sql, const std::string& first,
                                const std::string& second) {
  auto ask = [&](StatementCache& statements) {
    SqliteStatement s(statements, sql);
    s.bind(1, first);
    if (!second.empty()) s.bind(2, second);
    return s.step();
  };
  if (!reader_) {
    std::lock_guard lock(mutex_);
    return ask(*statements_);
  }
  std::lock_guard lock(reader_mutex_);
  return ask(*reader_statements_);
}

}  // namespace gw::registry
