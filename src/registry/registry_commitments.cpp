// The registry's Storage Commitment side: requests as rows, resolved and reported in place.
#include "sqlite_study_registry.hpp"

#include <sqlite3.h>

#include "registry_transaction.hpp"
#include "sqlite_statement.hpp"

namespace gw::registry {
namespace {

constexpr const char* kCommitmentColumns =
    "transaction_uid, requester_ae, state, attempts, received, next_attempt, updated, last_error";

/// The row at `s` (kCommitmentColumns), without its items.
domain::CommitmentRecord read_commitment(const SqliteStatement& s) {
  domain::CommitmentRecord r;
  r.request.transaction_uid = s.text(0);
  r.request.requester_ae = s.text(1);
  r.state = domain::commitment_state_from(s.text(2));
  r.attempts = static_cast<int>(s.integer(3));
  r.received = s.integer(4);
  r.next_attempt = s.integer(5);
  r.updated = s.integer(6);
  r.last_error = s.text(7);
  return r;
}

void read_items(StatementCache& statements, domain::CommitmentRecord& record) {
  SqliteStatement s(statements,
                    "SELECT sop_class_uid, sop_instance_uid, failure FROM commitment_items "
                    "WHERE transaction_uid = ? ORDER BY position");
  s.bind(1, record.request.transaction_uid);
  while (s.step()) {
    domain::CommitmentItem item{s.text(0), s.text(1), domain::CommitFailure::none};
    if (!s.is_null(2)) item.failure = static_cast<domain::CommitFailure>(s.integer(2));
    record.request.items.push_back(std::move(item));
  }
}

std::vector<domain::CommitmentRecord> read_all(StatementCache& statements, SqliteStatement& s) {
  std::vector<domain::CommitmentRecord> out;
  while (s.step()) out.push_back(read_commitment(s));
  for (auto& record : out) read_items(statements, record);
  return out;
}

}  // namespace

SqliteStudyRegistry::CommitmentRecorded SqliteStudyRegistry::record_commitment(
    const domain::CommitmentRequest& request, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  bool repeated = false;
  {
    SqliteStatement exists(*statements_, "SELECT 1 FROM commitments WHERE transaction_uid = ?");
    exists.bind(1, request.transaction_uid);
    repeated = exists.step();
  }
  SqliteStatement(*statements_, "DELETE FROM commitment_items WHERE transaction_uid = ?")
      .bind(1, request.transaction_uid)
      .run();
  SqliteStatement upsert(*statements_,
                         "INSERT INTO commitments (transaction_uid, requester_ae, state, attempts, "
                         "received, next_attempt, updated, last_error) VALUES (?, ?, 'pending', 0, "
                         "?3, ?3, ?3, '') ON CONFLICT(transaction_uid) DO UPDATE SET "
                         "requester_ae = excluded.requester_ae, state = 'pending', attempts = 0, "
                         "next_attempt = ?3, updated = ?3, last_error = ''");
  upsert.bind(1, request.transaction_uid).bind(2, request.requester_ae).bind(3, now).run();
  std::int64_t position = 0;
  for (const auto& item : request.items) {
    SqliteStatement insert(*statements_,
                           "INSERT INTO commitment_items (transaction_uid, position, sop_class_uid, "
                           "sop_instance_uid, failure) VALUES (?, ?, ?, ?, NULL)");
    insert.bind(1, request.transaction_uid)
        .bind(2, position++)
        .bind(3, item.sop_class_uid)
        .bind(4, item.sop_instance_uid)
        .run();
  }
  tx.commit();
  return repeated ? CommitmentRecorded::repeated : CommitmentRecorded::created;
}

std::vector<domain::StoredInstance> SqliteStudyRegistry::stored_instances(
    const std::string& sop_instance_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT i.sop_class_uid, s.spool_removed FROM instances i JOIN studies s "
                    "ON s.study_instance_uid = i.study_instance_uid WHERE i.sop_instance_uid = ?");
  s.bind(1, sop_instance_uid);
  std::vector<domain::StoredInstance> out;
  while (s.step()) out.push_back({s.text(0), s.integer(1) == 0});
  return out;
}

void SqliteStudyRegistry::resolve_commitment(const std::string& transaction_uid,
                                       const std::vector<domain::CommitmentItem>& items,
                                       TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  std::int64_t position = 0;
  for (const auto& item : items) {
    SqliteStatement s(*statements_,
                      "UPDATE commitment_items SET failure = ? WHERE transaction_uid = ? AND "
                      "position = ?");
    s.bind(1, static_cast<std::int64_t>(item.failure)).bind(2, transaction_uid).bind(3, position++).run();
  }
  SqliteStatement(*statements_,
                  "UPDATE commitments SET state = 'resolved', updated = ? WHERE transaction_uid = ? "
                  "AND state = 'pending'")
      .bind(1, now)
      .bind(2, transaction_uid)
      .run();
  tx.commit();
}

std::optional<domain::CommitmentRecord> SqliteStudyRegistry::find_commitment(
    const std::string& transaction_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, std::string("SELECT ") + kCommitmentColumns +
                                      " FROM commitments WHERE transaction_uid = ?");
  s.bind(1, transaction_uid);
  auto all = read_all(*statements_, s);
  if (all.empty()) return std::nullopt;
  return std::move(all.front());
}

std::vector<domain::CommitmentRecord> SqliteStudyRegistry::commitments_due(TimestampMs now,
                                                                     std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, std::string("SELECT ") + kCommitmentColumns +
                                      " FROM commitments WHERE state IN ('pending', 'resolved') "
                                      "AND next_attempt <= ? ORDER BY next_attempt LIMIT ?");
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  return read_all(*statements_, s);
}

std::optional<TimestampMs> SqliteStudyRegistry::next_commitment_due() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT MIN(next_attempt) FROM commitments WHERE state IN ('pending', 'resolved')");
  if (s.step() && !s.is_null(0)) return s.integer(0);
  return std::nullopt;
}

void SqliteStudyRegistry::commitment_reported(const std::string& transaction_uid, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement(*statements_,
                  "UPDATE commitments SET state = 'reported', attempts = attempts + 1, updated = ?, "
                  "last_error = '' WHERE transaction_uid = ? AND state IN ('pending', 'resolved')")
      .bind(1, now)
      .bind(2, transaction_uid)
      .run();
  tx.commit();
}

void SqliteStudyRegistry::commitment_retry(const std::string& transaction_uid, TimestampMs next_attempt,
                                     const std::string& error, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement(*statements_,
                  "UPDATE commitments SET attempts = attempts + 1, next_attempt = ?, updated = ?, "
                  "last_error = ? WHERE transaction_uid = ? AND state IN ('pending', 'resolved')")
      .bind(1, next_attempt)
      .bind(2, now)
      .bind(3, error)
      .bind(4, transaction_uid)
      .run();
  tx.commit();
}

void SqliteStudyRegistry::commitment_abandoned(const std::string& transaction_uid,
                                         const std::string& error, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*statements_, in_batch_);
  SqliteStatement(*statements_,
                  "UPDATE commitments SET state = 'abandoned', updated = ?, last_error = ? "
                  "WHERE transaction_uid = ? AND state IN ('pending', 'resolved')")
      .bind(1, now)
      .bind(2, error)
      .bind(3, transaction_uid)
      .run();
  tx.commit();
}

std::vector<domain::CommitmentRecord> SqliteStudyRegistry::commitments_naming_study(
    const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    std::string("SELECT ") + kCommitmentColumns +
                        " FROM commitments WHERE transaction_uid IN (SELECT ci.transaction_uid "
                        "FROM commitment_items ci JOIN instances i ON i.sop_instance_uid = "
                        "ci.sop_instance_uid WHERE i.study_instance_uid = ?) ORDER BY received, "
                        "transaction_uid");
  s.bind(1, study_uid);
  return read_all(*statements_, s);
}

std::int64_t SqliteStudyRegistry::commitments_waiting() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT COUNT(*) FROM commitments WHERE state IN ('pending', 'resolved')");
  s.step();
  return s.integer(0);
}

}  // namespace gw::registry
