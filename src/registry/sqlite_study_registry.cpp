#include "sqlite_study_registry.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include <limits>
#include <optional>
#include <stdexcept>

#include "registry_schema.hpp"
#include "registry_transaction.hpp"
#include "sqlite_statement.hpp"
#include "study_rows.hpp"
#include "wal_writeback.hpp"

namespace gw::registry {
namespace {

using detail::kColumns;
using detail::read_record;

// The WAL file's path; empty for a database without a file (":memory:").
std::string wal_path(sqlite3* db) {
  const char* main = sqlite3_db_filename(db, "main");
  if (main == nullptr || *main == '\0') return {};
  const char* wal = sqlite3_filename_wal(main);
  return wal ? wal : "";
}

}  // namespace

std::unique_ptr<StudyRegistry> SqliteStudyRegistry::open(const std::string& path,
                                                         const RegistryOptions& options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw std::runtime_error("cannot open state database " + path + ": " + message);
  }
  std::unique_ptr<SqliteStudyRegistry> registry(new SqliteStudyRegistry(db, options));
  sqlite3_busy_timeout(db, 5000);
  apply_schema(db);
  registry->open_reader();
  return registry;
}

void SqliteStudyRegistry::open_reader() {
  // The intake's per-instance questions (is the study known? the instance?) must not wait
  // for a group commit holding mutex_: WAL lets a second connection read beside the writer.
  // It sees committed rows only, which costs at most a second routing of a new study (the
  // insert then loses to ON CONFLICT) or a spooled duplicate. A database without a file has
  // no second connection: those questions then use the writer's.
  if (wal_path(db_).empty()) return;
  const char* path = sqlite3_db_filename(db_, "main");
  if (sqlite3_open_v2(path, &reader_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(reader_);
    reader_ = nullptr;
    return;
  }
  sqlite3_busy_timeout(reader_, 5000);
  reader_statements_ = std::make_unique<StatementCache>(reader_);
}

SqliteStudyRegistry::SqliteStudyRegistry(sqlite3* db, RegistryOptions options)
    : StudyRegistry(std::move(options)),
      db_(db),
      statements_(std::make_unique<StatementCache>(db)),
      wal_writeback_(std::make_unique<WalWriteback>(wal_path(db))) {}

SqliteStudyRegistry::~SqliteStudyRegistry() {
  statements_->clear();  // sqlite3_close refuses a connection with statements left
  if (reader_statements_) reader_statements_->clear();
  sqlite3_close(reader_);
  sqlite3_close(db_);
}

void SqliteStudyRegistry::batch(const std::function<void()>& work) {
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

std::vector<Attempt> SqliteStudyRegistry::attempts(const std::string& uid) {
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

std::optional<StudyRecord> SqliteStudyRegistry::find(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, (std::string("SELECT ") + kColumns +
                          " FROM studies WHERE study_instance_uid = ?")
                             .c_str());
  s.bind(1, uid);
  if (!s.step()) return std::nullopt;
  return read_record(s);
}

std::vector<StudyRecord> SqliteStudyRegistry::list(std::optional<StudyState> state,
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

void SqliteStudyRegistry::reset_rule_hits(const std::vector<std::string>& rules, TimestampMs since) {
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

std::vector<std::pair<std::string, std::int64_t>> SqliteStudyRegistry::rule_hits(TimestampMs* since) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_, "SELECT rule, hits, since FROM rule_hits ORDER BY position");
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.step()) {
    out.emplace_back(s.text(0), s.integer(1));
    if (since) *since = s.integer(2);
  }
  return out;
}

std::optional<TimestampMs> SqliteStudyRegistry::oldest_waiting() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(*statements_,
                    "SELECT MIN(first_seen) FROM studies WHERE state IN ('pending', 'in_flight')");
  if (s.step() && !s.is_null(0)) return s.integer(0);
  return std::nullopt;
}

std::vector<std::pair<StudyState, std::int64_t>> SqliteStudyRegistry::count_by_state() {
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

// One node: the state lock (app::StateLock) keeps a second process off this file, so every
// claim belongs to this live process, and the claims a dead one left are requeued at start
// (requeue_in_flight). Leases are written (claimed_by, lease_until) but never need renewing.
void SqliteStudyRegistry::renew_claims(TimestampMs) {}

int SqliteStudyRegistry::adopt_expired_claims(TimestampMs) { return 0; }

std::string SqliteStudyRegistry::unavailable_reason() {
  const char* name = sqlite3_db_filename(db_, "main");
  if (name == nullptr || *name == '\0') return {};
  // WAL mode writes next to the database too, so the folder must be writable.
  const std::filesystem::path path(name);
  const auto folder = path.has_parent_path() ? path.parent_path() : ".";
  if (::access(path.c_str(), W_OK) != 0 || ::access(folder.c_str(), W_OK) != 0) {
    return "the state database is not writable: " + path.string();
  }
  return {};
}

}  // namespace gw::registry
