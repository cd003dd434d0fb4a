#pragma once
// One libpq connection to the state database, with parameterised statements and typed reads.
// Internal to the PostgreSQL store: no libpq type leaves src/registry/postgres.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::registry::pg {

/// A statement's parameters, all sent as text ($1, $2, … in order; NULL when empty optional).
class Params {
 public:
  Params& add(const std::string& text) {
    values_.emplace_back(text);
    return *this;
  }
  Params& add(const char* text) { return add(std::string(text)); }
  Params& add(std::int64_t number) { return add(std::to_string(number)); }
  Params& add(int number) { return add(std::int64_t{number}); }
  Params& add(bool flag) { return add(std::string(flag ? "true" : "false")); }
  Params& add_null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  template <typename T>
  Params& add(const std::optional<T>& value) {
    return value ? add(*value) : add_null();
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

/// The rows of one statement. Owns its PGresult; move-only.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result() { PQclear(result_); }
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const { return PQntuples(result_); }
  /// How many rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;
  bool is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string text(int row, int column) const { return PQgetvalue(result_, row, column); }
  const PGresult* raw() const { return result_; }
  /// The command tag (INSERT 0 1, COMMIT, ROLLBACK, …).
  std::string command() const { return PQcmdStatus(result_); }
  /// A BIGINT/INTEGER column (0 when NULL); a boolean column reads as 1 or 0.
  std::int64_t integer(int row, int column) const;

 private:
  PGresult* result_;
};

/// How the connection reaches the server: libpq's keywords, the URI last-but-one so it
/// overrides the defaults before it, the password (when given) only if the URI has none.
struct ConnectSettings {
  std::string uri;
  std::string password;
  // The longest a statement waits for the server's answer: above the server's own
  // statement_timeout (15 s), so only a server that cannot answer at all reaches it.
  std::chrono::seconds answer_deadline{20};
  std::chrono::seconds connect_timeout{5};
  // Shown in pg_stat_activity (an `application_name` in the URI wins): which node, and
  // whether the daemon or a command.
  std::string application_name = "dicom-gateway";
};

/// One session. Not thread-safe: its owner serialises calls. A connection that broke is
/// opened again by the next statement outside a transaction.
class Connection {
 public:
  /// Connects; throws std::runtime_error("state database: …") when the server cannot be reached.
  explicit Connection(ConnectSettings settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs `sql` with `params`; throws std::runtime_error("state database: …") on any error.
  Result exec(const std::string& sql, const Params& params = {});
  /// Runs several statements without parameters (schema scripts).
  void exec_script(const std::string& sql);
  /// exec() for a statement that may safely run twice (a read, BEGIN): when it finds the
  /// connection broken (the server restarted) outside a transaction, reconnects and retries once.
  Result exec_retrying(const std::string& sql, const Params& params = {});
  /// Transaction depth: 0 outside, 1 inside BEGIN, more inside savepoints (see Transaction).
  int depth() const { return depth_; }
  /// Whether the session is usable as far as libpq knows (no round trip).
  bool healthy() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  /// The server process serving this connection (pg_stat_activity.pid); 0 when not connected.
  int backend_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }

 private:
  friend class Transaction;
  void connect();
  /// The result of the statement just sent: the last one, or the first error; nullptr (and the
  /// connection closed) when the server did not answer within answer_deadline.
  PGresult* wait_for_result();
  /// Reconnects when the connection broke and no transaction is open.
  void ensure_connected();

  ConnectSettings settings_;
  PGconn* conn_ = nullptr;
  int depth_ = 0;
  bool timed_out_ = false;  // the last statement got no answer in time (until reconnected)
};

/// Rolls back unless committed: BEGIN at depth 0, a savepoint inside (a call inside batch()),
/// so each call stays all-or-nothing there too.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  int level_;  // the depth this transaction opened
  bool done_ = false;
};

}  // namespace gw::registry::pg
