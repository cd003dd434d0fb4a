#pragma once
// The durable record of every study the gateway accepted, and the outbox of registrations.
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "gateway/domain/storage_commitment.hpp"
#include "gateway/domain/study_lifecycle.hpp"
#include "gateway/registry/study_record.hpp"

struct sqlite3;

namespace gw::registry {

class StatementCache;
class WalWriteback;

/// What the intake decides for a study the first time one of its instances arrives.
struct NewStudy {
  StudyState state = StudyState::pending;  // pending, ignored, or receiving (routed later)
  std::string rule_name;
  std::string request_body;
  std::string facts_json;  // the facts routed on (receiving: what route_stable() will need)
  std::string description{};       // StudyDescription, for search
  std::string accession_number{};  // AccessionNumber, for search
};

/// One instance that has just been made durable in the spool.
struct InstanceArrival {
  std::string study_instance_uid;
  std::string sop_instance_uid;
  std::int64_t bytes = 0;
  TimestampMs received = 0;
};

/// What an arrival adds to its study's counters beyond the instance itself. Value type.
struct ArrivalDetails {
  std::string series_instance_uid;  // for the study's series count; may be empty
  std::string modality;             // added to the study's modalities; may be empty
  // study_stable: a study still `receiving` becomes due this long after its latest instance.
  std::optional<TimestampMs> stable_after;
  std::string calling_ae{};  // added to the study's callers; may be empty
  std::string sop_class_uid{};  // kept per instance for Storage Commitment; may be empty
};

/// A SQLite database (WAL, synchronous=FULL but for arrivals) holding one row per study and
/// one per instance. Thread-safe: every call takes the registry's mutex, so DICOM workers and
/// the dispatcher share one connection. Arrivals from several associations at once share a
/// commit: see record_instance(). Throws std::runtime_error only from open(); later failures are
/// reported as std::runtime_error too, since they mean the disk or the file broke.
class StudyRegistry {
 public:
  /// Opens or creates the database at `path`, creating its tables.
  static std::unique_ptr<StudyRegistry> open(const std::string& path);
  ~StudyRegistry();
  StudyRegistry(const StudyRegistry&) = delete;
  StudyRegistry& operator=(const StudyRegistry&) = delete;

  /// How record_instance() ended.
  enum class Recorded {
    added,          // the instance was added to a study the registry knew
    created,        // ... and this call created the study from `new_study`
    unknown_study,  // the study is unknown and no `new_study` was given: route it, call again
  };
  /// Records `arrival`: returns once it is committed, without waiting for the WAL's fsync.
  /// Its instance file is durable already, and reconcile_spool() records it again after a
  /// power cut; any later synced commit (such as its study's claim) makes it durable, in
  /// order, with every arrival before it. When its study is unknown, a row is created from
  /// `new_study` (routed by the caller beforehand: nothing calls out of the transaction);
  /// when two associations race, the first commit creates it and the other's decision is
  /// dropped (ON CONFLICT DO NOTHING). Group commit: calls that arrive while a commit is
  /// running wait for it, then one of them commits them all in one transaction, each under
  /// its own savepoint, so one call's failure (thrown to that caller only) never undoes
  /// another's arrival.
  Recorded record_instance(const InstanceArrival& arrival, const NewStudy* new_study,
                           const ArrivalDetails& details = {});
  /// Whether the registry holds a row for the study (the intake routes only unknown ones).
  /// Answered from committed rows, without waiting for a group commit in progress.
  bool knows_study(const std::string& uid);

  /// Runs `work` (calls of this registry on this thread, record_instance() excepted) in one
  /// transaction: one commit, one fsync, for all of them. Each call inside is still
  /// all-or-nothing. Throws what `work` or the commit throws; then none of it happened.
  void batch(const std::function<void()>& work);

  /// Which end of the due queue to take from (the dispatcher alternates, so that a backlog
  /// drains oldest first while a new study never waits behind all of it).
  enum class DueOrder { oldest_first, newest_first };
  /// Pending studies whose next attempt is due at `now`, at most `limit`, by first arrival.
  std::vector<StudyRecord> due(TimestampMs now, std::size_t limit,
                               DueOrder order = DueOrder::oldest_first);
  /// The earliest next_attempt among pending studies (and receiving ones' stable time), if any.
  std::optional<TimestampMs> next_due();

  // ---- The lifecycle: every state change goes through apply(), and so through
  // domain::decide() and its table. ----
  using ApplyResult = boost::system::result<domain::Transition>;
  /// Applies `event` to the study `uid`: reads its row, asks domain::decide(), and writes what
  /// it answers, with `attempt` (when given) appended to the history, in one synced
  /// transaction (or the enclosing batch()). A refusal (domain::lifecycle_errc, including
  /// no_such_study) is returned and nothing is written. Throws std::runtime_error when the
  /// database fails. `event.study_id` is stored on created/adopted.
  ApplyResult apply(const std::string& uid, const domain::LifecycleEvent& event,
                    const domain::LifecyclePolicy& policy, TimestampMs now,
                    const Attempt* attempt = nullptr);
  /// Called with every transition written (from, event, to), under the registry's lock.
  /// For tests and the simulation; set before the registry is shared.
  using TransitionObserver = std::function<void(const std::string& uid, StudyState from,
                                                domain::EventKind event, StudyState to)>;
  void observe_transitions(TransitionObserver observer) { observer_ = std::move(observer); }

  /// The dispatcher's claims for its free slots (`claimed` for each), in one transaction:
  /// durable before any of their requests is sent. Returns the studies claimed (a study
  /// changed meanwhile, e.g. forgotten by an operator, is skipped).
  std::vector<std::string> mark_in_flight(const std::vector<std::string>& uids, TimestampMs now);
  /// Claims that were never sent (the dispatcher's ready studies at a stop): `released_unsent`.
  void release_unsent(const std::vector<std::string>& uids, TimestampMs now);
  /// The attempts made for `uid`, oldest first.
  std::vector<Attempt> attempts(const std::string& uid);
  /// `studies retry --all-failed`: operator_retry for every failed study. Returns how many.
  int retry_all_failed(TimestampMs now);
  /// Start-up: `crash_recovered` for every study left in_flight by a stopped or dead process
  /// (their last request may have reached the viewer: each is looked up before it is sent).
  int requeue_in_flight(TimestampMs now);
  /// Whether the registry holds this instance of this study (the intake's duplicate check).
  bool knows_instance(const std::string& study_uid, const std::string& sop_uid);
  /// The SOP Instance UIDs recorded for one study (start-up reconciliation, a folder at a time).
  std::vector<std::string> instances_of(const std::string& study_uid);
  /// storage.retention: registered studies whose files are still spooled and whose registration
  /// and last instance are both at or before `cutoff`, oldest registration first.
  std::vector<std::string> spooled_registered_before(TimestampMs cutoff, std::size_t limit);
  /// The study's folder was deleted; unless an instance arrived after `removed_before`.
  void mark_spool_removed(const std::string& uid, TimestampMs removed_before);
  /// Studies still `receiving` with no instance for their quiet period, oldest first.
  std::vector<StudyRecord> stable(TimestampMs now, std::size_t limit);
  /// Routes a stable study: receiving → `study.state` (pending, due now, or ignored) with its
  /// rule and body (routed_register / routed_ignore). False when the study is no longer
  /// receiving.
  bool route_stable(const std::string& uid, const NewStudy& study, TimestampMs now);
  /// The key was replaced: `auth_resumed` for every pending study that waits for the pause
  /// that would have ended at `paused_until` (and for no study backed off for another reason).
  int reschedule_waiting(TimestampMs paused_until, TimestampMs now);

  std::optional<StudyRecord> find(const std::string& uid);
  /// Every study, oldest first; only those in `state` and first seen at or after `since`
  /// when given.
  std::vector<StudyRecord> list(std::optional<StudyState> state = std::nullopt,
                                std::optional<TimestampMs> since = std::nullopt);
  /// One page of studies matching `query`, newest first. Read on the second connection, so
  /// a search never holds up arrivals or claims.
  StudyPage page(const StudyQuery& query);
  /// Starts counting rule hits afresh (daemon start): every rule in `rules` at zero.
  void reset_rule_hits(const std::vector<std::string>& rules, TimestampMs since);
  /// Studies routed by each rule since the last reset, in the order of that reset (rules
  /// added later come last); `since` is when counting started.
  std::vector<std::pair<std::string, std::int64_t>> rule_hits(TimestampMs* since = nullptr);

  // ---- Storage Commitment (registry_commitments.cpp). Every write is a synced commit, so a
  // resolution also makes durable every arrival committed before it. ----
  enum class CommitmentRecorded { created, repeated };
  /// Records `request` as pending, due at `now`. A Transaction UID seen before is re-armed with
  /// the new items (`repeated`): a requester that asks again did not get its report.
  CommitmentRecorded record_commitment(const domain::CommitmentRequest& request, TimestampMs now);
  /// Every stored copy of `sop_instance_uid`, with its SOP class and whether it is spooled.
  std::vector<domain::StoredInstance> stored_instances(const std::string& sop_instance_uid);
  /// Writes each item's fate (in request order) and moves a pending commitment to resolved.
  void resolve_commitment(const std::string& transaction_uid,
                          const std::vector<domain::CommitmentItem>& items, TimestampMs now);
  std::optional<domain::CommitmentRecord> find_commitment(const std::string& transaction_uid);
  /// Pending or resolved commitments due at `now`, earliest first, at most `limit`.
  std::vector<domain::CommitmentRecord> commitments_due(TimestampMs now, std::size_t limit);
  /// The earliest next_attempt among pending and resolved commitments, if any.
  std::optional<TimestampMs> next_commitment_due();
  /// The requester acknowledged the report.
  void commitment_reported(const std::string& transaction_uid, TimestampMs now);
  /// A delivery failed: one more attempt counted, tried again at `next_attempt`.
  void commitment_retry(const std::string& transaction_uid, TimestampMs next_attempt,
                        const std::string& error, TimestampMs now);
  /// Delivery given up (give_up_after passed).
  void commitment_abandoned(const std::string& transaction_uid, const std::string& error,
                            TimestampMs now);
  /// Commitments that named an instance of `study_uid`, oldest first (`studies show`).
  std::vector<domain::CommitmentRecord> commitments_naming_study(const std::string& study_uid);
  /// Commitments whose report is not yet delivered (pending or resolved).
  std::int64_t commitments_waiting();

  /// The first_seen of the oldest study still waiting to be registered (pending or in_flight),
  /// if any. One indexed query: metrics and readiness ask for it on every scrape.
  std::optional<TimestampMs> oldest_waiting();
  /// Number of studies in each state, in StudyState order.
  std::vector<std::pair<StudyState, std::int64_t>> count_by_state();

 private:
  explicit StudyRegistry(sqlite3* db);
  /// One record_instance() call waiting for its group's commit.
  struct PendingArrival {
    const InstanceArrival& arrival;
    const NewStudy* new_study;
    const ArrivalDetails& details;
    Recorded recorded = Recorded::added;
    bool done = false;
    std::exception_ptr error;
  };
  /// Commits `group` in one transaction; each call's outcome goes into its entry.
  void commit_arrivals(const std::vector<PendingArrival*>& group) noexcept;
  /// record_instance()'s statements, inside an open transaction.
  Recorded insert_arrival(const PendingArrival& p);
  /// Creates the study row (and counts its rule's hit) unless another arrival created it
  /// first; true when this call did.
  bool insert_study(const InstanceArrival& arrival, const NewStudy& study,
                    const ArrivalDetails& details);
  /// apply()'s body, inside an open transaction and the lock.
  ApplyResult apply_locked(const std::string& uid, const domain::LifecycleEvent& event,
                           const domain::LifecyclePolicy& policy, TimestampMs now,
                           const Attempt* attempt);
  /// Writes `t` (decided for `uid`) and `attempt`, inside an open transaction.
  void write_transition(const std::string& uid, const domain::Transition& t,
                        const domain::LifecycleEvent& event, const Attempt* attempt,
                        TimestampMs now);
  /// `kind` for each of `uids` in one transaction; returns how many were applied.
  int apply_to_each(const std::vector<std::string>& uids, domain::EventKind kind, TimestampMs now);
  /// Opens reader_ (see study_registry.cpp); leaves it null for a database without a file.
  void open_reader();
  /// Whether `sql` (one or two text parameters) finds a row, on reader_ when there is one.
  bool read_exists(const char* sql, const std::string& first, const std::string& second = {});
  /// Every study in `state`, by UID.
  std::vector<std::string> uids_in(StudyState state);

  std::recursive_mutex mutex_;  // recursive: calls inside batch() take it again
  sqlite3* db_;
  std::unique_ptr<StatementCache> statements_;  // the registry's statements, prepared once
  bool in_batch_ = false;  // guarded by mutex_: transactions become savepoints
  std::unique_ptr<WalWriteback> wal_writeback_;
  TransitionObserver observer_;
  sqlite3* reader_ = nullptr;  // a read-only second connection for the intake's lookups
  std::unique_ptr<StatementCache> reader_statements_;
  std::mutex reader_mutex_;  // guards reader_ and its statements; never held with mutex_  // after unsynced commits; guarded by mutex_

  std::mutex group_mutex_;  // guards the three below; never held while mutex_ is wanted
  std::condition_variable group_done_;
  std::vector<PendingArrival*> group_queue_;  // waiting for the next commit
  bool group_committing_ = false;             // a caller is committing a group now
};

}  // namespace gw::registry
