// The outbox on PostgreSQL: which studies are due or stable (fleet-wide), and retention of this
// node's spooled copies.
#include "pg_connection.hpp"
#include "pg_rows.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {

using pg::Params;

std::vector<StudyRecord> PostgresStudyRegistry::due(TimestampMs now, std::size_t limit,
                                                    DueOrder order) {
  std::lock_guard lock(mutex_);
  return pg::read_records(db_->exec_retrying(pg::select_due_by_age("pending", order),
                                             Params().add(now).add(static_cast<std::int64_t>(limit))));
}

std::optional<TimestampMs> PostgresStudyRegistry::next_due() {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT MIN(next_attempt) FROM studies WHERE state IN ('pending', 'receiving')");
  if (r.is_null(0, 0)) return std::nullopt;
  return r.integer(0, 0);
}

// Each node's spool is its own disk: retention asks about this node's copy of a study, which
// it may delete once the study is registered and this node received nothing newer.
std::vector<std::string> PostgresStudyRegistry::spooled_registered_before(TimestampMs cutoff,
                                                                          std::size_t limit) {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT s.study_instance_uid FROM studies s JOIN spool_copies c ON "
      "c.study_instance_uid = s.study_instance_uid AND c.node = $1 AND NOT c.removed "
      "WHERE s.state = 'registered' AND s.updated <= $2 AND c.last_instance <= $2 "
      "ORDER BY s.updated, s.study_instance_uid LIMIT $3",
      Params().add(options_.node_name).add(cutoff).add(static_cast<std::int64_t>(limit)));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

void PostgresStudyRegistry::mark_spool_removed(const std::string& uid, TimestampMs removed_before) {
  std::lock_guard lock(mutex_);
  // Not when an instance arrived here after the files were listed: its file stays for a later
  // sweep. Another node's copy is that node's to remove.
  db_->exec(
      "UPDATE spool_copies c SET removed = true FROM studies s WHERE c.study_instance_uid = $1 "
      "AND c.node = $2 AND c.last_instance <= $3 AND s.study_instance_uid = c.study_instance_uid "
      "AND s.state = 'registered'",
      Params().add(uid).add(options_.node_name).add(removed_before));
}

std::vector<StudyRecord> PostgresStudyRegistry::stable(TimestampMs now, std::size_t limit) {
  std::lock_guard lock(mutex_);
  return pg::read_records(
      db_->exec_retrying(pg::select_due_by_age("receiving", DueOrder::oldest_first),
                         Params().add(now).add(static_cast<std::int64_t>(limit))));
}

}  // namespace gw::registry
