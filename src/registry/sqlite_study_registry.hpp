#pragma once
// The SQLite store: one gateway's state in one file (WAL, synchronous=FULL but for arrivals).
// Internal to the registry; callers see StudyRegistry.
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/registry/study_registry.hpp"

struct sqlite3;

namespace gw::registry {

class StatementCache;
class WalWriteback;

/// Every call takes the registry's mutex, so DICOM workers and the dispatcher share one
/// connection. Arrivals from several associations at once share a commit (record_instance()).
/// A read-only second connection answers the intake's lookups and the console's pages.
class SqliteStudyRegistry final : public StudyRegistry {
 public:
  /// Opens or creates the database at `path`, creating or upgrading its tables.
  static std::unique_ptr<StudyRegistry> open(const std::string& path, const RegistryOptions& options);
  ~SqliteStudyRegistry() override;
  SqliteStudyRegistry(const SqliteStudyRegistry&) = delete;
  SqliteStudyRegistry& operator=(const SqliteStudyRegistry&) = delete;

  Recorded record_instance(const InstanceArrival& arrival, const NewStudy* new_study,
                           const ArrivalDetails& details) override;
  bool knows_study(const std::string& uid) override;
  void batch(const std::function<void()>& work) override;
  std::vector<StudyRecord> due(TimestampMs now, std::size_t limit,
                               DueOrder order) override;
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
  SqliteStudyRegistry(sqlite3* db, RegistryOptions options);
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
  sqlite3* reader_ = nullptr;  // a read-only second connection for the intake's lookups
  std::unique_ptr<StatementCache> reader_statements_;
  std::mutex reader_mutex_;  // guards reader_ and its statements; never held with mutex_

  std::mutex group_mutex_;  // guards the three below; never held while mutex_ is wanted
  std::condition_variable group_done_;
  std::vector<PendingArrival*> group_queue_;  // waiting for the next commit
  bool group_committing_ = false;             // a caller is committing a group now
};

}  // namespace gw::registry
