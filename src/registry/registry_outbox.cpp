// The outbox: which studies are due, and every state change, through the lifecycle.
#include "sqlite_study_registry.hpp"

#include <sqlite3.h>

#include "registry_transaction.hpp"
#include "sqlite_statement.hpp"
#include "study_rows.hpp"

namespace gw::registry {

using detail::read_record;
using detail::select_due_by_age;

std::vector<StudyRecord> SqliteStudyRegistry::due(TimestampMs now, std::size_t limit, DueOrder order) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, select_due_by_age("pending", order).c_str());
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StudyRecord> out;
  while (s.step()) out.push_back(read_record(s));
  return out;
}

std::optional<TimestampMs> SqliteStudyRegistry::next_due() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT MIN(next_attempt) FROM studies WHERE state IN ('pending', 'receiving')");
  if (s.step() && !s.is_null(0)) {
    return s.integer(0);
  }
  return std::nullopt;
}

std::vector<std::string> SqliteStudyRegistry::spooled_registered_before(TimestampMs cutoff,
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

void SqliteStudyRegistry::mark_spool_removed(const std::string& uid, TimestampMs removed_before) {
  std::lock_guard lock(mutex_);
  // Not when an instance arrived after the files were listed: its file stays for a later sweep.
  SqliteStatement s(*statements_,
                    "UPDATE studies SET spool_removed = 1 WHERE study_instance_uid = ? AND "
                    "state = 'registered' AND last_instance <= ?");
  s.bind(1, uid).bind(2, removed_before).run();
}

std::vector<StudyRecord> SqliteStudyRegistry::stable(TimestampMs now, std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    select_due_by_age("receiving", DueOrder::oldest_first).c_str());
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StudyRecord> out;
  while (s.step()) out.push_back(read_record(s));
  return out;
}

}  // namespace gw::registry
