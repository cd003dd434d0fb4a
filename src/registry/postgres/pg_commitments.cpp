// Storage Commitment on PostgreSQL: requests as rows, resolved and reported in place; the
// instances they name are looked up fleet-wide.
#include "pg_connection.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {
namespace {

using pg::Params;
using pg::Transaction;

constexpr const char* kCommitmentColumns =
    "transaction_uid, requester_ae, state, attempts, received, next_attempt, updated, last_error";

std::vector<domain::CommitmentRecord> read_all(pg::Connection& db, const pg::Result& r) {
  std::vector<domain::CommitmentRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    domain::CommitmentRecord c;
    c.request.transaction_uid = r.text(i, 0);
    c.request.requester_ae = r.text(i, 1);
    c.state = domain::commitment_state_from(r.text(i, 2));
    c.attempts = static_cast<int>(r.integer(i, 3));
    c.received = r.integer(i, 4);
    c.next_attempt = r.integer(i, 5);
    c.updated = r.integer(i, 6);
    c.last_error = r.text(i, 7);
    out.push_back(std::move(c));
  }
  for (auto& record : out) {
    const auto items = db.exec(
        "SELECT sop_class_uid, sop_instance_uid, failure FROM commitment_items "
        "WHERE transaction_uid = $1 ORDER BY position",
        Params().add(record.request.transaction_uid));
    for (int i = 0; i < items.rows(); ++i) {
      domain::CommitmentItem item{items.text(i, 0), items.text(i, 1), domain::CommitFailure::none};
      if (!items.is_null(i, 2)) item.failure = static_cast<domain::CommitFailure>(items.integer(i, 2));
      record.request.items.push_back(std::move(item));
    }
  }
  return out;
}

}  // namespace

PostgresStudyRegistry::CommitmentRecorded PostgresStudyRegistry::record_commitment(
    const domain::CommitmentRequest& request, TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  // xmax = 0 tells an inserted row from an updated one, in the same statement.
  const auto upsert = db_->exec(
      "INSERT INTO commitments (transaction_uid, requester_ae, state, attempts, received, "
      "next_attempt, updated, last_error) VALUES ($1, $2, 'pending', 0, $3, $3, $3, '') "
      "ON CONFLICT (transaction_uid) DO UPDATE SET requester_ae = excluded.requester_ae, "
      "state = 'pending', attempts = 0, next_attempt = $3, updated = $3, last_error = '' "
      "RETURNING (xmax = 0)",
      Params().add(request.transaction_uid).add(request.requester_ae).add(now));
  const bool repeated = upsert.integer(0, 0) == 0;
  db_->exec("DELETE FROM commitment_items WHERE transaction_uid = $1",
            Params().add(request.transaction_uid));
  std::int64_t position = 0;
  for (const auto& item : request.items) {
    db_->exec(
        "INSERT INTO commitment_items (transaction_uid, position, sop_class_uid, "
        "sop_instance_uid, failure) VALUES ($1, $2, $3, $4, NULL)",
        Params().add(request.transaction_uid).add(position++).add(item.sop_class_uid).add(item.sop_instance_uid));
  }
  tx.commit();
  return repeated ? CommitmentRecorded::repeated : CommitmentRecorded::created;
}

std::vector<domain::StoredInstance> PostgresStudyRegistry::stored_instances(
    const std::string& sop_instance_uid) {
  std::lock_guard lock(mutex_);
  // Spooled when some node still keeps a copy of its study.
  const auto r = db_->exec_retrying(
      "SELECT i.sop_class_uid, EXISTS (SELECT 1 FROM spool_copies c WHERE c.study_instance_uid = "
      "i.study_instance_uid AND NOT c.removed) FROM instances i JOIN studies s ON "
      "s.study_instance_uid = i.study_instance_uid WHERE i.sop_instance_uid = $1",
      Params().add(sop_instance_uid));
  std::vector<domain::StoredInstance> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.integer(i, 1) != 0});
  return out;
}

void PostgresStudyRegistry::resolve_commitment(const std::string& transaction_uid,
                                               const std::vector<domain::CommitmentItem>& items,
                                               TimestampMs now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::int64_t position = 0;
  for (const auto& item : items) {
    db_->exec("UPDATE commitment_items SET failure = $1 WHERE transaction_uid = $2 AND position = $3",
              Params().add(static_cast<std::int64_t>(item.failure)).add(transaction_uid).add(position++));
  }
  db_->exec(
      "UPDATE commitments SET state = 'resolved', updated = $1 WHERE transaction_uid = $2 "
      "AND state = 'pending'",
      Params().add(now).add(transaction_uid));
  tx.commit();
}

std::optional<domain::CommitmentRecord> PostgresStudyRegistry::find_commitment(
    const std::string& transaction_uid) {
  std::lock_guard lock(mutex_);
  auto all = read_all(*db_, db_->exec_retrying(std::string("SELECT ") + kCommitmentColumns +
                                                   " FROM commitments WHERE transaction_uid = $1",
                                               Params().add(transaction_uid)));
  if (all.empty()) return std::nullopt;
  return std::move(all.front());
}

std::vector<domain::CommitmentRecord> PostgresStudyRegistry::commitments_due(TimestampMs now,
                                                                             std::size_t limit) {
  std::lock_guard lock(mutex_);
  return read_all(*db_, db_->exec_retrying(
                            std::string("SELECT ") + kCommitmentColumns +
                                " FROM commitments WHERE state IN ('pending', 'resolved') AND "
                                "next_attempt <= $1 ORDER BY next_attempt, transaction_uid LIMIT $2",
                            Params().add(now).add(static_cast<std::int64_t>(limit))));
}

std::optional<TimestampMs> PostgresStudyRegistry::next_commitment_due() {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT MIN(next_attempt) FROM commitments WHERE state IN ('pending', 'resolved')");
  if (r.is_null(0, 0)) return std::nullopt;
  return r.integer(0, 0);
}

void PostgresStudyRegistry::commitment_reported(const std::string& transaction_uid, TimestampMs now) {
  std::lock_guard lock(mutex_);
  db_->exec(
      "UPDATE commitments SET state = 'reported', attempts = attempts + 1, updated = $1, "
      "last_error = '' WHERE transaction_uid = $2 AND state IN ('pending', 'resolved')",
      Params().add(now).add(transaction_uid));
}

void PostgresStudyRegistry::commitment_retry(const std::string& transaction_uid,
                                             TimestampMs next_attempt, const std::string& error,
                                             TimestampMs now) {
  std::lock_guard lock(mutex_);
  db_->exec(
      "UPDATE commitments SET attempts = attempts + 1, next_attempt = $1, updated = $2, "
      "last_error = $3 WHERE transaction_uid = $4 AND state IN ('pending', 'resolved')",
      Params().add(next_attempt).add(now).add(error).add(transaction_uid));
}

void PostgresStudyRegistry::commitment_abandoned(const std::string& transaction_uid,
                                                 const std::string& error, TimestampMs now) {
  std::lock_guard lock(mutex_);
  db_->exec(
      "UPDATE commitments SET state = 'abandoned', updated = $1, last_error = $2 "
      "WHERE transaction_uid = $3 AND state IN ('pending', 'resolved')",
      Params().add(now).add(error).add(transaction_uid));
}

std::vector<domain::CommitmentRecord> PostgresStudyRegistry::commitments_naming_study(
    const std::string& study_uid) {
  std::lock_guard lock(mutex_);
  return read_all(*db_, db_->exec_retrying(
                            std::string("SELECT ") + kCommitmentColumns +
                                " FROM commitments WHERE transaction_uid IN (SELECT "
                                "ci.transaction_uid FROM commitment_items ci JOIN instances i ON "
                                "i.sop_instance_uid = ci.sop_instance_uid WHERE "
                                "i.study_instance_uid = $1) ORDER BY received, transaction_uid",
                            Params().add(study_uid)));
}

std::int64_t PostgresStudyRegistry::commitments_waiting() {
  std::lock_guard lock(mutex_);
  return db_->exec_retrying(
                "SELECT COUNT(*) FROM commitments WHERE state IN ('pending', 'resolved')")
      .integer(0, 0);
}

}  // namespace gw::registry
