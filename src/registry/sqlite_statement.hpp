#pragma once
// A prepared SQLite statement with typed binds; internal to the registry.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gw::registry {

/// Throws std::runtime_error naming `what` and SQLite's message when `rc` is an error.
void check_sqlite(sqlite3* db, int rc, std::string_view what);

/// The prepared statements of one connection, kept for reuse. The registry runs a handful of
/// fixed statements per C-STORE, and preparing one (parsing and planning its SQL) costs more
/// CPU than running it. Used under the registry mutex; clear() it before closing `db`.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  /// Finalizes every idle statement (none may be in use).
  void clear();
  /// An idle statement for `sql`, or a newly prepared one when all are in use (a statement
  /// may run while another instance of it is still stepping). Throws like check_sqlite().
  sqlite3_stmt* take(std::string_view sql);
  /// Resets `stmt` (ending any read it holds open) and keeps it for the next take().
  void give_back(sqlite3_stmt* stmt);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, Hash, std::equal_to<>> idle_;
};

/// Owns one prepared statement; used by one thread at a time (under the registry mutex).
class SqliteStatement {
 public:
  /// Prepared for this use only, finalized by the destructor.
  SqliteStatement(sqlite3* db, const char* sql);
  /// Taken from `cache` and given back by the destructor.
  SqliteStatement(StatementCache& cache, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind_null(int index);
  /// By name (":state"), for statements put together from optional parts.
  SqliteStatement& bind(const char* name, std::string_view text) { return bind(index_of(name), text); }
  SqliteStatement& bind(const char* name, std::int64_t value) { return bind(index_of(name), value); }

  /// Steps once: true when a row is available, false when done.
  bool step();
  /// Runs a statement that returns no rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  int index_of(const char* name) const;

  sqlite3_stmt* stmt_ = nullptr;
  StatementCache* cache_ = nullptr;
};

}  // namespace gw::registry
