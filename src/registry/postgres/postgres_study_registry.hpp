#pragma once
// The PostgreSQL store: several gateways (nodes) sharing one state. Internal to the registry;
// its libpq types stay in src/registry/postgres (the header names none).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/registry/study_registry.hpp"

namespace gw::registry {

namespace pg {
class Connection;
class Result;
}  // namespace pg

/// Thread-safe. Every call takes mutex_ and uses the writer connection, but arrivals: those of
/// several associations commit side by side on a few connections of their own
/// (record_instance()). Another connection answers the intake's lookups and the console's
/// pages, another the readiness probe, so neither waits behind a commit. A connection that broke throws from its call; the next call connects
/// again, so the node recovers when the database returns.
class PostgresStudyRegistry final : public StudyRegistry {
 public:
  /// Connects to `uri` (libpq's connection URI), creating or upgrading the tables once under
  /// an advisory lock. Throws std::runtime_error when the database cannot be reached.
  static std::unique_ptr<StudyRegistry> open(const std::string& uri, const RegistryOptions& options);
  ~PostgresStudyRegistry() override;
  PostgresStudyRegistry(const PostgresStudyRegistry&) = delete;
  PostgresStudyRegistry& operator=(const PostgresStudyRegistry&) = delete;

  Recorded record_instance(const InstanceArrival& arrival, const NewStudy* new_study,
                           const ArrivalDetails& details) override;
  bool knows_study(const std::string& uid) override;
  void batch(const std::function<void()>& work) override;
  std::vector<StudyRecord> due(TimestampMs now, std::size_t limit, DueOrder order) override;
  std::optional<TimestampMs> next_due() override;
  ApplyResult apply(const std::string& uid, const domain::LifecycleEvent& event,
                    const domain::LifecyclePolicy& policy, TimestampMs now,
                    const Attempt* attempt) override;
  std::vector<std::string> mark_in_flight(const std::vector<std::string>& uids, TimestampMs now) override;
  void release_unsent(const std::vector<std::string>& uids, TimestampMs now) override;
  std::vector<Attempt> attempts(const std::string& uid) override;
  int retry_all_failed(TimestampMs now) override;
  int requeue_in_flight(TimestampMs now) override;
  bool knows_instance(const std::string& study_uid, const std::string& sop_uid) override;
  std::vector<std::string> instances_of(const std::string& study_uid) override;
  std::vector<std::string> spooled_registered_before(TimestampMs cutoff, std::size_t limit) override;
  void mark_spool_removed(const std::string& uid, TimestampMs removed_before) override;
  std::vector<StudyRecord> stable(TimestampMs now, std::size_t limit) override;
  bool route_stable(const std::string& uid, const NewStudy& study, TimestampMs now) override;
  int reschedule_waiting(TimestampMs paused_until, TimestampMs now) override;
  std::optional<StudyRecord> find(const std::string& uid) override;
  std::vector<StudyRecord> list(std::optional<StudyState> state,
                                std::optional<TimestampMs> since) override;
  StudyPage page(const StudyQuery& query) override;
  void reset_rule_hits(const std::vector<std::string>& rules, TimestampMs since) override;
  std::vector<std::pair<std::string, std::int64_t>> rule_hits(TimestampMs* since) override;
  CommitmentRecorded record_commitment(const domain::CommitmentRequest& request, TimestampMs now) override;
  std::vector<domain::StoredInstance> stored_instances(const std::string& sop_instance_uid) override;
  void resolve_commitment(const std::string& transaction_uid,
                          const std::vector<domain::CommitmentItem>& items, TimestampMs now) override;
  std::optional<domain::CommitmentRecord> find_commitment(const std::string& transaction_uid) override;
  std::vector<domain::CommitmentRecord> commitments_due(TimestampMs now, std::size_t limit) override;
  std::optional<TimestampMs> next_commitment_due() override;
  void commitment_reported(const std::string& transaction_uid, TimestampMs now) override;
  void commitment_retry(const std::string& transaction_uid, TimestampMs next_attempt,
                        const std::string& error, TimestampMs now) override;
  void commitment_abandoned(const std::string& transaction_uid, const std::string& error,
                            TimestampMs now) override;
  std::vector<domain::CommitmentRecord> commitments_naming_study(const std::string& study_uid) override;
  std::int64_t commitments_waiting() override;
  std::optional<TimestampMs> oldest_waiting() override;
  std::vector<std::pair<StudyState, std::int64_t>> count_by_state() override;
  void renew_claims(TimestampMs now) override;
  int adopt_expired_claims(TimestampMs now) override;
  std::string unavailable_reason() override;

 private:
  PostgresStudyRegistry(const std::string& uri, RegistryOptions options);

  /// Which rows apply() may take: any (waiting for another node's lock), or only those no
  /// other transaction holds (claims), narrowed for the takeovers of claims.
  enum class Take {
    waiting,           // apply(): wait for the row's lock
    unlocked,          // mark_in_flight(): skip a row another node is claiming right now
    expired_other,     // adopt_expired_claims(): in flight, lease run out, another node's
    own_or_expired,    // requeue_in_flight(): in flight, this node's or lease run out
  };
  /// record_instance()'s statements on `db`, inside its open transaction.
  Recorded insert_arrival(pg::Connection& db, const InstanceArrival& arrival,
                          const NewStudy* new_study, const ArrivalDetails& details);
  /// Creates the study row (and counts its rule's hit) unless another arrival, on any node,
  /// created it first; true when this call did.
  bool insert_study(pg::Connection& db, const InstanceArrival& arrival, const NewStudy& study,
                    const ArrivalDetails& details);
  /// apply()'s body, inside an open transaction and mutex_.
  ApplyResult apply_locked(const std::string& uid, const domain::LifecycleEvent& event,
                           const domain::LifecyclePolicy& policy, TimestampMs now,
                           const Attempt* attempt, Take take = Take::waiting);
  /// Writes `t` (decided for `uid`) and `attempt`, inside an open transaction.
  void write_transition(const std::string& uid, const domain::Transition& t,
                        const domain::LifecycleEvent& event, const Attempt* attempt,
                        TimestampMs now);
  /// `kind` for each of `uids` in one transaction; returns how many were applied.
  int apply_to_each(const std::vector<std::string>& uids, domain::EventKind kind,
                    TimestampMs now, Take take = Take::waiting);
  /// Counts one study routed by `rule` for this node, inside `db`'s open transaction.
  void count_rule_hit(pg::Connection& db, const std::string& rule, TimestampMs at);
  /// The store's settings for one more connection (the writer, the reader, the probe).
  std::unique_ptr<pg::Connection> connect() const;
  /// open() for `run`: throws when a live gateway already uses this node name (see
  /// RegistryOptions::serving).
  void refuse_a_live_twin();
  /// This process's connections' application_name: "dicom-gateway <node>" for `run`,
  /// "dicom-gateway-cli <node>" for the studies commands.
  std::string application_name() const;

  std::recursive_mutex mutex_;  // recursive: calls inside batch() take it again
  std::unique_ptr<pg::Connection> db_;
  bool in_batch_ = false;  // guarded by mutex_

  std::mutex reader_mutex_;  // guards reader_; never held with mutex_
  std::unique_ptr<pg::Connection> reader_;  // the intake's lookups and the console's pages

  std::string uri_;  // may hold a password: never in a message
  std::mutex probe_mutex_;  // guards probe_ and probed_; only ever try-locked
  std::unique_ptr<pg::Connection> probe_;  // readiness, apart from the writer and the reader
  std::chrono::steady_clock::time_point probed_{};
  std::mutex reason_mutex_;  // guards reason_
  std::string reason_;       // the last probe's answer

  std::mutex arrivals_mutex_;  // guards the three below; never held while a call runs
  std::condition_variable arrivals_free_;
  std::vector<std::unique_ptr<pg::Connection>> idle_arrivals_;  // record_instance()'s own
  std::size_t arrival_connections_ = 0;  // open or being opened, idle or in use
};

}  // namespace gw::registry
