#include "gateway/registry/study_registry.hpp"

#include <sqlite3.h>

#include <limits>
#include <optional>
#include <random>
#include <stdexcept>

#include "registry_schema.hpp"
#include "registry_transaction.hpp"
#include "wal_writeback.hpp"
#include "sqlite_statement.hpp"

namespace gw::registry {
namespace {

constexpr const char* kColumns =
    "study_instance_uid, state, rule_name, request_body, idempotency_key, attempts, last_error, "
    "study_id, first_seen, last_instance, next_attempt, updated, instances, bytes, lookup_first, "
    "first_attempt, modalities, facts_json, "
    "(SELECT COUNT(DISTINCT series_instance_uid) FROM instances i WHERE i.study_instance_uid = "
    "studies.study_instance_uid AND series_instance_uid <> '')";


StudyRecord read_record(const SqliteStatement& s) {
  StudyRecord r;
  r.study_instance_uid = s.text(0);
  r.state = parse_study_state(s.text(1)).value_or(StudyState::pending);
  r.rule_name = s.text(2);
  r.request_body = s.text(3);
  r.idempotency_key = s.text(4);
  r.attempts = static_cast<int>(s.integer(5));
  r.last_error = s.text(6);
  r.study_id = s.text(7);
  r.first_seen = s.integer(8);
  r.last_instance = s.integer(9);
  r.next_attempt = s.integer(10);
  r.updated = s.integer(11);
  r.instances = s.integer(12);
  r.bytes = s.integer(13);
  r.lookup_first = s.integer(14) != 0;
  r.first_attempt = s.integer(15);
  r.modalities = s.text(16);
  r.facts_json = s.text(17);
  r.series = s.integer(18);
  return r;
}

/// 128 random bits as 32 hex digits: the Idempotency-Key of one registration.
std::string new_idempotency_key() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) key[half * 16 + i] = kHex[bits & 0xF];
  }
  return key;
}

// Rows in `state` whose next_attempt has come, oldest (or newest) first; binds: now, limit.
// The inner query walks studies_by_age_due in age order and stops after `limit` due rows,
// reading only the index; the columns are then read for those rows alone. Filtering on
// studies_by_due and sorting instead read every due row and its columns: with a backlog of
// 10,000 studies that took ~10 ms per claim, a whole core, and half the ideal drain rate.
std::string select_due_by_age(const char* state, StudyRegistry::DueOrder order) {
  const std::string by = order == StudyRegistry::DueOrder::oldest_first
                             ? "ORDER BY first_seen, study_instance_uid"
                             : "ORDER BY first_seen DESC, study_instance_uid DESC";
  return std::string("SELECT ") + kColumns +
         " FROM studies WHERE study_instance_uid IN (SELECT study_instance_uid FROM studies "
         "INDEXED BY studies_by_age_due WHERE state = '" + state + "' AND next_attempt <= ? " +
         by + " LIMIT ?) " + by;
}

// The WAL file's path; empty for a database without a file (":memory:").
std::string wal_path(sqlite3* db) {
  const char* main = sqlite3_db_filename(db, "main");
  if (main == nullptr || *main == '\0') return {};
  const char* wal = sqlite3_filename_wal(main);
  return wal ? wal : "";
}

}  // namespace

std::unique_ptr<StudyRegistry> StudyRegistry::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw std::runtime_error("cannot open state database " + path + ": " + message);
  }
  std::unique_ptr<StudyRegistry> registry(new StudyRegistry(db));
  sqlite3_busy_timeout(db, 5000);
  apply_schema(db);
  return registry;
}

StudyRegistry::StudyRegistry(sqlite3* db)
    : db_(db),
      statements_(std::make_unique<StatementCache>(db)),
      wal_writeback_(std::make_unique<WalWriteback>(wal_path(db))) {}

StudyRegistry::~StudyRegistry() {
  statements_->clear();  // sqlite3_close refuses a connection with statements left
  sqlite3_close(db_);
}

bool StudyRegistry::record_instance(const InstanceArrival& arrival,
                                    const std::function<NewStudy()>& decide,
                                    const ArrivalDetails& details) {
  PendingArrival me{arrival, decide, details, false, false, nullptr};
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
  return me.created;
}

void StudyRegistry::batch(const std::function<void()>& work) {
  std::lock_guard lock(mutex_);
  if (in_batch_) {  // a batch inside a batch joins it
    work();
    return;
  }
  Transaction tx(*statements_, false);
  in_batch_ = true;
  try {
    work();
  } catch (...) {
    in_batch_ = false;
    throw;  // tx rolls everything back
  }
  in_batch_ = false;
  tx.commit();
}

void StudyRegistry::commit_arrivals(const std::vector<PendingArrival*>& group) noexcept {
  std::lock_guard lock(mutex_);
  try {
    std::optional<UnsyncedCommits> unsynced;
    if (!in_batch_) unsynced.emplace(*statements_);
    Transaction tx(*statements_, in_batch_);
    for (PendingArrival* p : group) {
      try {
        Transaction arrival(*statements_, true);  // a savepoint: a failure undoes this arrival only
        p->created = insert_arrival(*p);
        arrival.commit();
      } catch (...) {
        p->error = std::current_exception();
        p->created = false;
      }
    }
    tx.commit();
    if (unsynced) wal_writeback_->committed();
  } catch (...) {
    // BEGIN or COMMIT failed (a full disk, a broken file): nothing of the group is durable.
    const std::exception_ptr error = std::current_exception();
    for (PendingArrival* p : group) {
      if (!p->error) p->error = error;
      p->created = false;
    }
  }
}

bool StudyRegistry::insert_arrival(const PendingArrival& p) {
  const InstanceArrival& arrival = p.arrival;
  const ArrivalDetails& details = p.details;
  bool created = false;
  {
    SqliteStatement exists(*statements_, "SELECT 1 FROM studies WHERE study_instance_uid = ?");
    exists.bind(1, arrival.study_instance_uid);
    if (!exists.step()) {
      const NewStudy study = p.decide();
      SqliteStatement insert(*statements_,
                             "INSERT INTO studies (study_instance_uid, state, rule_name, "
                             "request_body, idempotency_key, first_seen, last_instance, "
                             "next_attempt, updated, facts_json) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      insert.bind(1, arrival.study_instance_uid)
          .bind(2, to_string(study.state))
          .bind(3, study.rule_name)
          .bind(4, study.request_body)
          .bind(5, new_idempotency_key())
          .bind(6, arrival.received)
          .bind(7, arrival.received)
          .bind(8, arrival.received + (study.state == StudyState::receiving
                                           ? details.stable_after.value_or(0)
                                           : 0))
          .bind(9, arrival.received)
          .bind(10, study.facts_json)
          .run();
      // Counted with the study, in the same transaction: a rule's hits are its studies.
      SqliteStatement hit(*statements_,
                          "INSERT INTO rule_hits (position, rule, hits, since) VALUES "
                          "((SELECT COALESCE(MAX(position), 0) + 1 FROM rule_hits), ?, 1, ?) "
                          "ON CONFLICT(rule) DO UPDATE SET hits = hits + 1");
      if (study.state != StudyState::receiving) {  // a receiving study is counted when routed
        hit.bind(1, study.rule_name).bind(2, arrival.received).run();
      }
      created = true;
    }
  }
  SqliteStatement instance(*statements_,
                           "INSERT OR IGNORE INTO instances (sop_instance_uid, "
                           "study_instance_uid, bytes, received, series_instance_uid) "
                           "VALUES (?, ?, ?, ?, ?)");
  instance.bind(1, arrival.sop_instance_uid)
      .bind(2, arrival.study_instance_uid)
      .bind(3, arrival.bytes)
      .bind(4, arrival.received)
      .bind(5, details.series_instance_uid)
      .run();
  // A duplicate SOP instance is stored again but not counted twice.
  const bool new_instance = sqlite3_changes(db_) > 0;
  SqliteStatement counters(*statements_,
                           "UPDATE studies SET instances = instances + ?, bytes = bytes + ?, "
                           "last_instance = ?, spool_removed = 0, "
                           // a new modality is appended once, '\\'-separated as DICOM does
                           "modalities = CASE WHEN ?5 = '' OR ('\\' || modalities || '\\') "
                           "LIKE ('%\\' || ?5 || '\\%') THEN modalities WHEN modalities = '' "
                           "THEN ?5 ELSE modalities || '\\' || ?5 END "
                           "WHERE study_instance_uid = ?4");
  counters.bind(1, std::int64_t{new_instance ? 1 : 0})
      .bind(2, new_instance ? arrival.bytes : std::int64_t{0})
      .bind(3, arrival.received)
      .bind(4, arrival.study_instance_uid)
      .bind(5, details.modality)
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
  return created;
}

std::vector<StudyRecord> StudyRegistry::due(TimestampMs now, std::size_t limit, DueOrder order) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, select_due_by_age("pending", order).c_str());
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StudyRecord> out;
  while (s.step()) out.push_back(read_record(s));
  return out;
}

std::optional<TimestampMs> StudyRegistry::next_due() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT MIN(next_attempt) FROM studies WHERE state IN ('pending', 'receiving')");
  if (s.step() && !s.is_null(0)) {
    return s.integer(0);
  }
  return std::nullopt;
}

void StudyRegistry::set_state(const std::string& uid, StudyState state,
                              const std::string* study_id, const TimestampMs* next_attempt,
                              const Attempt* attempt, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  update_state(uid, state, study_id, next_attempt, attempt, now);
  tx.commit();
}

void StudyRegistry::update_state(const std::string& uid, StudyState state,
                                 const std::string* study_id, const TimestampMs* next_attempt,
                                 const Attempt* attempt, TimestampMs now) {
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = ?, study_id = COALESCE(?, study_id), "
                    "last_error = COALESCE(?, last_error), "
                    "next_attempt = COALESCE(?, next_attempt), attempts = attempts + ?, "
                    "updated = ?, "
                    "first_attempt = CASE WHEN ?5 = 1 AND first_attempt = 0 THEN ?6 "
                    "ELSE first_attempt END, "
                    "lookup_first = CASE WHEN ?1 = 'registered' THEN 0 ELSE lookup_first END "
                    "WHERE study_instance_uid = ?");
  s.bind(1, to_string(state));
  study_id ? s.bind(2, *study_id) : s.bind_null(2);
  attempt ? s.bind(3, attempt->error) : s.bind_null(3);
  next_attempt ? s.bind(4, *next_attempt) : s.bind_null(4);
  // An attempt is counted when it starts (in_flight), so a crash mid-request still counts.
  s.bind(5, std::int64_t{state == StudyState::in_flight ? 1 : 0}).bind(6, now).bind(7, uid).run();
  if (attempt) {
    SqliteStatement history(*statements_,
                            "INSERT INTO attempts (study_instance_uid, at, outcome, http_status, "
                            "error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)");
    history.bind(1, uid)
        .bind(2, attempt->at)
        .bind(3, attempt->outcome)
        .bind(4, std::int64_t{attempt->http_status})
        .bind(5, attempt->error)
        .bind(6, attempt->duration_ms)
        .run();
  }
}

void StudyRegistry::mark_in_flight(const std::string& uid, TimestampMs now) {
  set_state(uid, StudyState::in_flight, nullptr, nullptr, nullptr, now);
}

void StudyRegistry::mark_in_flight(const std::vector<std::string>& uids, TimestampMs now) {
  if (uids.empty()) return;
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  for (const std::string& uid : uids) {
    update_state(uid, StudyState::in_flight, nullptr, nullptr, nullptr, now);
  }
  tx.commit();
}

void StudyRegistry::release_unsent(const std::vector<std::string>& uids, TimestampMs now) {
  if (uids.empty()) return;
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  for (const std::string& uid : uids) {
    // The right-hand sides read the row as it was: `attempts` is the count before the update.
    SqliteStatement(*statements_,
                    "UPDATE studies SET state = 'pending', attempts = MAX(attempts - 1, 0), "
                    "first_attempt = CASE WHEN attempts <= 1 THEN 0 ELSE first_attempt END, "
                    "updated = ? WHERE study_instance_uid = ? AND state = 'in_flight'")
        .bind(1, now)
        .bind(2, uid)
        .run();
  }
  tx.commit();
}

void StudyRegistry::mark_registered(const std::string& uid, const std::string& study_id,
                                    const Attempt& attempt) {
  set_state(uid, StudyState::registered, &study_id, nullptr, &attempt, attempt.at);
}

void StudyRegistry::mark_retry(const std::string& uid, TimestampMs next_attempt,
                               const Attempt& attempt) {
  set_state(uid, StudyState::pending, nullptr, &next_attempt, &attempt, attempt.at);
}

void StudyRegistry::mark_failed(const std::string& uid, const Attempt& attempt) {
  set_state(uid, StudyState::failed, nullptr, nullptr, &attempt, attempt.at);
}

std::vector<Attempt> StudyRegistry::attempts(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT at, outcome, http_status, error, duration_ms FROM attempts "
                    "WHERE study_instance_uid = ? ORDER BY at, rowid");
  s.bind(1, uid);
  std::vector<Attempt> out;
  while (s.step()) {
    out.push_back(Attempt{s.integer(0), s.text(1), static_cast<int>(s.integer(2)), s.text(3),
                          s.integer(4)});
  }
  return out;
}

int StudyRegistry::retry_failed(const std::optional<std::string>& uid, TimestampMs now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = 'pending', next_attempt = ?, updated = ? "
                    "WHERE state = 'failed' AND (? IS NULL OR study_instance_uid = ?)");
  s.bind(1, now).bind(2, now);
  uid ? s.bind(3, *uid).bind(4, *uid) : s.bind_null(3).bind_null(4);
  s.run();
  return sqlite3_changes(db_);
}

int StudyRegistry::resend(const std::string& uid, TimestampMs now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = 'pending', next_attempt = ?, updated = ?, "
                    "idempotency_key = ?, study_id = '', last_error = '', lookup_first = 0 "
                    "WHERE study_instance_uid = ?");
  s.bind(1, now).bind(2, now).bind(3, new_idempotency_key()).bind(4, uid).run();
  return sqlite3_changes(db_);
}

int StudyRegistry::forget(const std::string& uid) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement(*statements_, "DELETE FROM instances WHERE study_instance_uid = ?").bind(1, uid).run();
  SqliteStatement(*statements_, "DELETE FROM attempts WHERE study_instance_uid = ?").bind(1, uid).run();
  SqliteStatement study(*statements_, "DELETE FROM studies WHERE study_instance_uid = ?");
  study.bind(1, uid).run();
  const int changed = sqlite3_changes(db_);
  tx.commit();
  return changed;
}

std::vector<std::string> StudyRegistry::spooled_registered_before(TimestampMs cutoff,
                                                                  std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT study_instance_uid FROM studies INDEXED BY studies_to_unspool "
                    "WHERE state = 'registered' AND spool_removed = 0 AND updated <= ? AND "
                    "last_instance <= ? "
                    "ORDER BY updated LIMIT ?");
  s.bind(1, cutoff).bind(2, cutoff).bind(3, static_cast<std::int64_t>(limit));
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void StudyRegistry::mark_spool_removed(const std::string& uid, TimestampMs removed_before) {
  std::lock_guard lock(mutex_);
  // Not when an instance arrived after the files were listed: its file stays for a later sweep.
  SqliteStatement s(*statements_,
                    "UPDATE studies SET spool_removed = 1 WHERE study_instance_uid = ? AND "
                    "state = 'registered' AND last_instance <= ?");
  s.bind(1, uid).bind(2, removed_before).run();
}

std::vector<StudyRecord> StudyRegistry::stable(TimestampMs now, std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    select_due_by_age("receiving", DueOrder::oldest_first).c_str());
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StudyRecord> out;
  while (s.step()) out.push_back(read_record(s));
  return out;
}

bool StudyRegistry::route_stable(const std::string& uid, const NewStudy& study, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = ?, rule_name = ?, request_body = ?, "
                    "next_attempt = ?, updated = ?, facts_json = '' "
                    "WHERE study_instance_uid = ? AND state = 'receiving'");
  s.bind(1, to_string(study.state))
      .bind(2, study.rule_name)
      .bind(3, study.request_body)
      .bind(4, now)
      .bind(5, now)
      .bind(6, uid)
      .run();
  if (sqlite3_changes(db_) == 0) return false;
  SqliteStatement hit(*statements_,
                      "INSERT INTO rule_hits (position, rule, hits, since) VALUES "
                      "((SELECT COALESCE(MAX(position), 0) + 1 FROM rule_hits), ?, 1, ?) "
                      "ON CONFLICT(rule) DO UPDATE SET hits = hits + 1");
  hit.bind(1, study.rule_name).bind(2, now).run();
  tx.commit();
  return true;
}

int StudyRegistry::reschedule_waiting(TimestampMs now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "UPDATE studies SET next_attempt = ? WHERE state = 'pending' AND next_attempt > ?");
  s.bind(1, now).bind(2, now).run();
  return sqlite3_changes(db_);
}

void StudyRegistry::clear_lookup(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement(*statements_, "UPDATE studies SET lookup_first = 0 WHERE study_instance_uid = ?")
      .bind(1, uid)
      .run();
}

std::vector<std::string> StudyRegistry::known_instances() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, "SELECT sop_instance_uid FROM instances");
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

int StudyRegistry::requeue_in_flight(TimestampMs now) {
  std::lock_guard lock(mutex_);
  // The outcome of their last request is unknown: the viewer may hold them already.
  SqliteStatement s(*statements_,
                    "UPDATE studies SET state = 'pending', next_attempt = ?, updated = ?, "
                    "lookup_first = 1 WHERE state = 'in_flight'");
  s.bind(1, now).bind(2, now).run();
  return sqlite3_changes(db_);
}

std::optional<StudyRecord> StudyRegistry::find(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, (std::string("SELECT ") + kColumns +
                          " FROM studies WHERE study_instance_uid = ?")
                             .c_str());
  s.bind(1, uid);
  if (!s.step()) return std::nullopt;
  return read_record(s);
}

std::vector<StudyRecord> StudyRegistry::list(std::optional<StudyState> state,
                                             std::optional<TimestampMs> since) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, (std::string("SELECT ") + kColumns +
                          " FROM studies WHERE (? IS NULL OR state = ?) AND first_seen >= ? "
                          "ORDER BY first_seen, study_instance_uid")
                             .c_str());
  state ? s.bind(1, to_string(*state)).bind(2, to_string(*state)) : s.bind_null(1).bind_null(2);
  s.bind(3, since.value_or(std::numeric_limits<std::int64_t>::min()));
  std::vector<StudyRecord> out;
  while (s.step()) out.push_back(read_record(s));
  return out;
}

void StudyRegistry::reset_rule_hits(const std::vector<std::string>& rules, TimestampMs since) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement(*statements_, "DELETE FROM rule_hits").run();
  std::int64_t position = 0;
  for (const auto& rule : rules) {
    SqliteStatement insert(*statements_,
                           "INSERT OR IGNORE INTO rule_hits (position, rule, hits, since) "
                           "VALUES (?, ?, 0, ?)");
    insert.bind(1, ++position).bind(2, rule).bind(3, since).run();
  }
  tx.commit();
}

std::vector<std::pair<std::string, std::int64_t>> StudyRegistry::rule_hits(TimestampMs* since) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, "SELECT rule, hits, since FROM rule_hits ORDER BY position");
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.step()) {
    out.emplace_back(s.text(0), s.integer(1));
    if (since) *since = s.integer(2);
  }
  return out;
}

std::optional<TimestampMs> StudyRegistry::oldest_waiting() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT MIN(first_seen) FROM studies WHERE state IN ('pending', 'in_flight')");
  if (s.step() && !s.is_null(0)) return s.integer(0);
  return std::nullopt;
}

std::vector<std::pair<StudyState, std::int64_t>> StudyRegistry::count_by_state() {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<StudyState, std::int64_t>> out;
  for (auto state : {StudyState::pending, StudyState::in_flight, StudyState::registered,
                     StudyState::failed, StudyState::ignored, StudyState::receiving}) {
    SqliteStatement s(*statements_, "SELECT COUNT(*) FROM studies WHERE state = ?");
    s.bind(1, to_string(state));
    s.step();
    out.emplace_back(state, s.integer(0));
  }
  return out;
}

}  // namespace gw::registry
