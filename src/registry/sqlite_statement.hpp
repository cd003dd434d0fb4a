#pragma once
// A prepared SQLite statement with typed binds; internal to the registry.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gw::registry {

/// Throws std::runtime_error naming `what` and SQLite's message when `rc` is an error.
void check_sqlite(sqlite3* db, int rc, std::string_view what);

/// Owns one prepared statement; used by one thread at a time (under the registry mutex).
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind_null(int index);

  /// Steps once: true when a row is available, false when done.
  bool step();
  /// Runs a statement that returns no rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace gw::registry
