#pragma once
// The durable record of every study the gateway accepted, and the outbox of registrations.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "gateway/domain/storage_commitment.hpp"
#include "gateway/domain/study_lifecycle.hpp"
#include "gateway/registry/study_record.hpp"

namespace gw::registry {

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

/// The store cannot be reached now (PostgreSQL restarting or failing over, a network cut):
/// transient, the same call may succeed in a moment. Every other store failure is a plain
/// std::runtime_error. Callers answer what they could not record with a transient failure.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Who this gateway is among the nodes that share one state database, and how long its claims
/// last. Value type.
struct RegistryOptions {
  std::string node_name = "local";  // node.name; stored with what this node receives and claims
  // A claim (in_flight) that its node stops renewing is taken over by another node after this
  // long, by lookup first (crash_recovered). The dispatcher renews well within it.
  std::chrono::milliseconds claim_lease{std::chrono::seconds(60)};
  std::string password{};  // PostgreSQL: the password, when the connection string has none
  // The daemon (`run`), which claims and renews: PostgreSQL refuses to open for a second one
  // while a gateway with this node_name is live on the database (two nodes of one name would
  // requeue each other's claims, and neither could adopt the other's). The studies commands
  // open without it.
  bool serving = false;
};

/// The durable record of every study the gateway accepted: one row per study and one per
/// instance, the outbox of registrations, and Storage Commitment requests. Two stores
/// implement it: SQLite (a path; one gateway, the default) and PostgreSQL (a postgresql://
/// connection string; several gateways sharing one state). Thread-safe. Throws
/// std::runtime_error when the store fails (a broken disk, a database that went away): the
/// caller answers what it cannot record with a failure and tries again later.
class StudyRegistry {
 public:
  /// Opens or creates the state at `location`: a postgresql:// (or postgres://) URI selects
  /// PostgreSQL, anything else is a SQLite file. Creates or upgrades the tables.
  static std::unique_ptr<StudyRegistry> open(const std::string& location,
                                             const RegistryOptions& options = {});
  /// Whether `location` names a PostgreSQL database rather than a SQLite file.
  static bool is_postgresql(const std::string& location);
  virtual ~StudyRegistry() = default;
  StudyRegistry(const StudyRegistry&) = delete;
  StudyRegistry& operator=(const StudyRegistry&) = delete;

  /// How record_instance() ended.
  enum class Recorded {
    added,          // the instance was added to a study the registry knew
    created,        // ... and this call created the study from `new_study`
    unknown_study,  // the study is unknown and no `new_study` was given: route it, call again
  };
  /// Records `arrival` once its instance file is durable. When its study is unknown, a row is
  /// created from `new_study` (routed by the caller beforehand: nothing calls out of the
  /// transaction); when two associations (or two nodes) race, the first commit creates it and
  /// the other's decision is dropped (ON CONFLICT DO NOTHING). Concurrent calls share the
  /// disk's flushes, and one call's failure (thrown to that caller only) never undoes
  /// another's arrival. SQLite: returns once committed without waiting for the WAL's fsync
  /// (the file is durable and reconcile_spool() records it again after a power cut; the next
  /// synced commit makes it durable in order), several calls in one transaction, each under a
  /// savepoint. PostgreSQL: each call commits synchronously on one of a few connections of its
  /// own, and the server groups their WAL flushes.
  virtual Recorded record_instance(const InstanceArrival& arrival, const NewStudy* new_study,
                           const ArrivalDetails& details = {}) = 0;
  /// Whether the registry holds a row for the study (the intake routes only unknown ones).
  /// Answered from committed rows, without waiting for a group commit in progress.
  virtual bool knows_study(const std::string& uid) = 0;

  /// Runs `work` (calls of this registry on this thread, record_instance() excepted) in one
  /// transaction: one commit, one fsync, for all of them. Each call inside is still
  /// all-or-nothing. Throws what `work` or the commit throws; then none of it happened.
  virtual void batch(const std::function<void()>& work) = 0;

  /// Which end of the due queue to take from (the dispatcher alternates, so that a backlog
  /// drains oldest first while a new study never waits behind all of it).
  enum class DueOrder { oldest_first, newest_first };
  /// Pending studies whose next attempt is due at `now`, at most `limit`, by first arrival.
  virtual std::vector<StudyRecord> due(TimestampMs now, std::size_t limit,
                               DueOrder order = DueOrder::oldest_first) = 0;
  /// The earliest next_attempt among pending studies (and receiving ones' stable time), if any.
  virtual std::optional<TimestampMs> next_due() = 0;

  // ---- The lifecycle: every state change goes through apply(), and so through
  // domain::decide() and its table. ----
  using ApplyResult = boost::system::result<domain::Transition>;
  /// Applies `event` to the study `uid`: reads its row, asks domain::decide(), and writes what
  /// it answers, with `attempt` (when given) appended to the history, in one synced
  /// transaction (or the enclosing batch()). A refusal (domain::lifecycle_errc, including
  /// no_such_study) is returned and nothing is written. Throws std::runtime_error when the
  /// database fails. `event.study_id` is stored on created/adopted.
  virtual ApplyResult apply(const std::string& uid, const domain::LifecycleEvent& event,
                    const domain::LifecyclePolicy& policy, TimestampMs now,
                    const Attempt* attempt = nullptr) = 0;
  /// Called with every transition written (from, event, to), under the registry's lock.
  /// For tests and the simulation; set before the registry is shared.
  using TransitionObserver = std::function<void(const std::string& uid, StudyState from,
                                                domain::EventKind event, StudyState to)>;
  void observe_transitions(TransitionObserver observer) { observer_ = std::move(observer); }

  /// The dispatcher's claims for its free slots (`claimed` for each), in one transaction:
  /// durable before any of their requests is sent. Returns the studies claimed (a study
  /// changed meanwhile, e.g. forgotten by an operator, is skipped).
  virtual std::vector<std::string> mark_in_flight(const std::vector<std::string>& uids, TimestampMs now) = 0;
  /// Claims that were never sent (the dispatcher's ready studies at a stop): `released_unsent`.
  virtual void release_unsent(const std::vector<std::string>& uids, TimestampMs now) = 0;
  /// The attempts made for `uid`, oldest first.
  virtual std::vector<Attempt> attempts(const std::string& uid) = 0;
  /// `studies retry --all-failed`: operator_retry for every failed study. Returns how many.
  virtual int retry_all_failed(TimestampMs now) = 0;
  /// Start-up: `crash_recovered` for every study left in_flight by a stopped or dead process
  /// (their last request may have reached the viewer: each is looked up before it is sent).
  virtual int requeue_in_flight(TimestampMs now) = 0;
  /// Whether the registry holds this instance of this study (the intake's duplicate check).
  virtual bool knows_instance(const std::string& study_uid, const std::string& sop_uid) = 0;
  /// The SOP Instance UIDs recorded for one study (start-up reconciliation, a folder at a time).
  virtual std::vector<std::string> instances_of(const std::string& study_uid) = 0;
  /// storage.retention: registered studies whose files are still spooled and whose registration
  /// and last instance are both at or before `cutoff`, oldest registration first.
  virtual std::vector<std::string> spooled_registered_before(TimestampMs cutoff, std::size_t limit) = 0;
  /// The study's folder was deleted; unless an instance arrived after `removed_before`.
  virtual void mark_spool_removed(const std::string& uid, TimestampMs removed_before) = 0;
  /// Studies still `receiving` with no instance for their quiet period, oldest first.
  virtual std::vector<StudyRecord> stable(TimestampMs now, std::size_t limit) = 0;
  /// Routes a stable study: receiving → `study.state` (pending, due now, or ignored) with its
  /// rule and body (routed_register / routed_ignore). False when the study is no longer
  /// receiving.
  virtual bool route_stable(const std::string& uid, const NewStudy& study, TimestampMs now) = 0;
  /// The key was replaced: `auth_resumed` for every pending study that waits for the pause
  /// that would have ended at `paused_until` (and for no study backed off for another reason).
  virtual int reschedule_waiting(TimestampMs paused_until, TimestampMs now) = 0;

  virtual std::optional<StudyRecord> find(const std::string& uid) = 0;
  /// Every study, oldest first; only those in `state` and first seen at or after `since`
  /// when given.
  virtual std::vector<StudyRecord> list(std::optional<StudyState> state = std::nullopt,
                                std::optional<TimestampMs> since = std::nullopt) = 0;
  /// One page of studies matching `query`, newest first. Read on the second connection, so
  /// a search never holds up arrivals or claims.
  virtual StudyPage page(const StudyQuery& query) = 0;
  /// Starts counting rule hits afresh (daemon start): every rule in `rules` at zero.
  virtual void reset_rule_hits(const std::vector<std::string>& rules, TimestampMs since) = 0;
  /// Studies routed by each rule since the last reset, in the order of that reset (rules
  /// added later come last); `since` is when counting started.
  virtual std::vector<std::pair<std::string, std::int64_t>> rule_hits(TimestampMs* since = nullptr) = 0;

  // ---- Storage Commitment (registry_commitments.cpp). Every write is a synced commit, so a
  // resolution also makes durable every arrival committed before it. ----
  enum class CommitmentRecorded { created, repeated };
  /// Records `request` as pending, due at `now`. A Transaction UID seen before is re-armed with
  /// the new items (`repeated`): a requester that asks again did not get its report.
  virtual CommitmentRecorded record_commitment(const domain::CommitmentRequest& request, TimestampMs now) = 0;
  /// Every stored copy of `sop_instance_uid`, with its SOP class and whether it is spooled.
  virtual std::vector<domain::StoredInstance> stored_instances(const std::string& sop_instance_uid) = 0;
  /// Writes each item's fate (in request order) and moves a pending commitment to resolved.
  virtual void resolve_commitment(const std::string& transaction_uid,
                          const std::vector<domain::CommitmentItem>& items, TimestampMs now) = 0;
  virtual std::optional<domain::CommitmentRecord> find_commitment(const std::string& transaction_uid) = 0;
  /// Pending or resolved commitments due at `now`, earliest first, at most `limit`.
  virtual std::vector<domain::CommitmentRecord> commitments_due(TimestampMs now, std::size_t limit) = 0;
  /// The earliest next_attempt among pending and resolved commitments, if any.
  virtual std::optional<TimestampMs> next_commitment_due() = 0;
  /// The requester acknowledged the report.
  virtual void commitment_reported(const std::string& transaction_uid, TimestampMs now) = 0;
  /// A delivery failed: one more attempt counted, tried again at `next_attempt`.
  virtual void commitment_retry(const std::string& transaction_uid, TimestampMs next_attempt,
                        const std::string& error, TimestampMs now) = 0;
  /// Delivery given up (give_up_after passed).
  virtual void commitment_abandoned(const std::string& transaction_uid, const std::string& error,
                            TimestampMs now) = 0;
  /// Commitments that named an instance of `study_uid`, oldest first (`studies show`).
  virtual std::vector<domain::CommitmentRecord> commitments_naming_study(const std::string& study_uid) = 0;
  /// Commitments whose report is not yet delivered (pending or resolved).
  virtual std::int64_t commitments_waiting() = 0;

  /// The first_seen of the oldest study still waiting to be registered (pending or in_flight),
  /// if any. One indexed query: metrics and readiness ask for it on every scrape.
  virtual std::optional<TimestampMs> oldest_waiting() = 0;
  /// Number of studies in each state, in StudyState order.
  virtual std::vector<std::pair<StudyState, std::int64_t>> count_by_state() = 0;

  // ---- The fleet: several nodes on one state (PostgreSQL). With SQLite there is one node. ----
  /// This node's name (RegistryOptions::node_name).
  const std::string& node_name() const { return options_.node_name; }
  /// Extends the lease of every claim this node holds to `now` + claim_lease. The dispatcher
  /// calls it while requests are on the wire.
  virtual void renew_claims(TimestampMs now) = 0;
  /// `crash_recovered` (looked up before anything is sent again) for every claim whose lease
  /// ran out: its node died or lost the database. Returns how many were taken over.
  virtual int adopt_expired_claims(TimestampMs now) = 0;
  /// Empty when the store answers; else why not (for /readyz). Cheap enough for every probe.
  virtual std::string unavailable_reason() = 0;

 protected:
  explicit StudyRegistry(RegistryOptions options) : options_(std::move(options)) {}

  RegistryOptions options_;
  TransitionObserver observer_;

};

}  // namespace gw::registry
