#include "pg_connection.hpp"

#include <poll.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "gateway/registry/study_registry.hpp"

namespace gw::registry::pg {
namespace {

/// libpq's message without its trailing newline.
std::string message_of(const PGconn* conn) {
  std::string text = conn ? PQerrorMessage(conn) : "out of memory";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_);
  return (count && *count) ? std::stoll(count) : 0;
}

std::int64_t Result::integer(int row, int column) const {
  if (is_null(row, column)) return 0;
  const char* value = PQgetvalue(result_, row, column);
  if (value[0] == 't') return 1;  // a boolean
  if (value[0] == 'f') return 0;
  return std::stoll(value);
}

Connection::Connection(ConnectSettings settings) : settings_(std::move(settings)) { connect(); }

Connection::~Connection() { PQfinish(conn_); }

void Connection::connect() {
  PQfinish(conn_);
  conn_ = nullptr;
  // A vanished server fails a call in seconds rather than hanging a worker: a bounded connect,
  // keepalives on an idle socket, unacknowledged data given up after 10 s, no statement longer
  // than 15 s (a lock wait 10 s), no answer awaited longer than answer_deadline. Backslashes in
  // literals are literal whatever the server's defaults (the '\\' separators). Keywords before
  // `dbname` are defaults the URI may override.
  std::vector<const char*> keys = {"connect_timeout", "keepalives", "keepalives_idle",
                                   "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                                   "options", "application_name"};
  const std::string connect_timeout = std::to_string(settings_.connect_timeout.count());
  std::vector<const char*> values = {connect_timeout.c_str(), "1", "5", "2", "3", "10000",
                                     "-c statement_timeout=15000 -c lock_timeout=10000 -c client_min_messages=warning "
                                     "-c standard_conforming_strings=on",
                                     settings_.application_name.c_str()};
  // The password from RegistryOptions comes before the URI too: one written in the URI wins.
  if (!settings_.password.empty()) {
    keys.push_back("password");
    values.push_back(settings_.password.c_str());
  }
  keys.push_back("dbname");
  values.push_back(settings_.uri.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  timed_out_ = false;
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names the host and the cause, never the password.
    const std::string message = message_of(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable("state database: cannot connect: " + message);
  }
  depth_ = 0;
}

void Connection::ensure_connected() {
  if (depth_ > 0) return;  // a broken transaction is reported by its statement, not redone
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) connect();
}

Result Connection::exec(const std::string& sql, const Params& params) {
  ensure_connected();
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& value : params.values()) values.push_back(value ? value->c_str() : nullptr);
  PGresult* raw = nullptr;
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), nullptr, nullptr, 0) == 1) {
    raw = wait_for_result();
  }
  if (conn_ == nullptr) {
    throw StoreUnavailable("state database: no answer within " +
                           std::to_string(settings_.answer_deadline.count()) + " s: the connection was closed");
  }
  Result result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  std::string message = raw ? PQresultErrorMessage(raw) : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.empty()) message = message_of(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    throw StoreUnavailable("state database: the connection was lost: " + message);
  }
  // Class 08 (connection exception) and 57P0x (the server shutting down, starting up, or
  // unreachable): the database is away, not the statement wrong.
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P")) {
    throw StoreUnavailable("state database: " + message);
  }
  throw std::runtime_error("state database: " + message);
}

void Connection::exec_script(const std::string& sql) {
  ensure_connected();
  Result result(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(result.raw()) != PGRES_COMMAND_OK &&
      PQresultStatus(result.raw()) != PGRES_TUPLES_OK) {
    throw std::runtime_error("state database: " + message_of(conn_));
  }
}

PGresult* Connection::wait_for_result() {
  // The server's statement_timeout ends a slow statement; this ends a wait for a server that
  // cannot answer at all (a frozen host, a half-open connection the kernel still acknowledges),
  // which TCP timeouts do not notice.
  const auto deadline = std::chrono::steady_clock::now() + settings_.answer_deadline;
  PGresult* kept = nullptr;  // the last result, or the first error
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        PQclear(kept);
        PQfinish(conn_);  // abandoned: the next call outside a transaction connects again
        conn_ = nullptr;
        timed_out_ = true;
        return nullptr;
      }
      pollfd ready{PQsocket(conn_), POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
      if (PQconsumeInput(conn_) == 0) break;  // broken: PQgetResult reports it
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) return kept;
    if (kept != nullptr && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(next);
    } else {
      PQclear(kept);
      kept = next;
    }
    if (PQstatus(conn_) != CONNECTION_OK && PQresultStatus(kept) == PGRES_FATAL_ERROR) return kept;
  }
}

Result Connection::exec_retrying(const std::string& sql, const Params& params) {
  if (depth_ > 0) return exec(sql, params);
  try {
    return exec(sql, params);
  } catch (const std::runtime_error&) {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) throw;  // the statement failed
    if (timed_out_) throw;  // the server is there but silent: a new connection would wait too
    return exec(sql, params);  // the connection broke first: reconnect once and try again
  }
}

Transaction::Transaction(Connection& connection)
    : connection_(connection), level_(connection.depth_ + 1) {
  if (level_ == 1) {
    connection_.exec_retrying("BEGIN");
  } else {
    connection_.exec("SAVEPOINT s" + std::to_string(level_));
  }
  connection_.depth_ = level_;
}

Transaction::~Transaction() {
  if (done_) return;
  connection_.depth_ = level_ - 1;
  if (!connection_.healthy()) {
    connection_.depth_ = 0;  // the server dropped the whole transaction with the connection
    return;
  }
  try {
    if (level_ == 1) {
      connection_.exec("ROLLBACK");
    } else {
      connection_.exec("ROLLBACK TO SAVEPOINT s" + std::to_string(level_));
      connection_.exec("RELEASE SAVEPOINT s" + std::to_string(level_));
    }
  } catch (const std::exception&) {
    // The connection failed meanwhile: the server ends the transaction with the session.
    if (!connection_.healthy()) connection_.depth_ = 0;
  }
}

void Transaction::commit() {
  const std::string sql =
      level_ == 1 ? std::string("COMMIT") : "RELEASE SAVEPOINT s" + std::to_string(level_);
  const Result result = connection_.exec(sql);
  done_ = true;
  connection_.depth_ = level_ - 1;
  // COMMIT of a transaction a failed statement aborted answers ROLLBACK, not an error.
  if (level_ == 1 && result.command() == "ROLLBACK") {
    throw std::runtime_error("state database: the transaction was rolled back");
  }
  connection_.depth_ = level_ - 1;
}

}  // namespace gw::registry::pg
