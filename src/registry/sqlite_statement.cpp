#include "sqlite_statement.hpp"

#include <stdexcept>

namespace gw::registry {

void check_sqlite(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  throw std::runtime_error("state database: " + std::string(what) + ": " +
                           (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

StatementCache::~StatementCache() { clear(); }

void StatementCache::clear() {
  for (auto& [sql, statements] : idle_) {
    for (sqlite3_stmt* stmt : statements) sqlite3_finalize(stmt);
  }
  idle_.clear();
}

sqlite3_stmt* StatementCache::take(std::string_view sql) {
  if (auto it = idle_.find(sql); it != idle_.end() && !it->second.empty()) {
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  check_sqlite(db_,
               sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr),
               sql);
  // give_back() files a statement under sqlite3_sql(): it must be this very text.
  if (std::string_view(sqlite3_sql(stmt)) != sql) {
    sqlite3_finalize(stmt);
    throw std::logic_error("statement cache: not exactly one SQL statement: " + std::string(sql));
  }
  return stmt;
}

void StatementCache::give_back(sqlite3_stmt* stmt) {
  if (stmt == nullptr) return;
  sqlite3_reset(stmt);  // its error, if any, was thrown by step() already
  sqlite3_clear_bindings(stmt);
  const std::string_view sql = sqlite3_sql(stmt);
  auto it = idle_.find(sql);
  if (it == idle_.end()) it = idle_.emplace(std::string(sql), std::vector<sqlite3_stmt*>{}).first;
  it->second.push_back(stmt);
}

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
  check_sqlite(db_, sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr), sql);
}

SqliteStatement::SqliteStatement(StatementCache& cache, std::string_view sql)
    : db_(cache.db()), stmt_(cache.take(sql)), cache_(&cache) {}

SqliteStatement::~SqliteStatement() {
  if (cache_ != nullptr) {
    cache_->give_back(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  check_sqlite(db_,
               sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT),
               "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  check_sqlite(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

int SqliteStatement::index_of(const char* name) const {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) throw std::logic_error(std::string("no SQL parameter ") + name);
  return index;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  check_sqlite(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  check_sqlite(db_, rc, sqlite3_sql(stmt_));
  return rc == SQLITE_ROW;
}

void SqliteStatement::run() {
  while (step()) {
  }
}

std::string SqliteStatement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string{};
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace gw::registry
