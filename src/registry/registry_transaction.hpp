#pragma once
// Transactions on the registry's one connection; internal to the registry.
#include <sqlite3.h>

#include "sqlite_statement.hpp"

namespace gw::registry {

/// Rolls back unless committed; keeps every early exit (and exception) from leaving a
/// transaction open on the shared connection. Inside StudyRegistry::batch() it is a savepoint
/// of the batch's transaction, so each call stays all-or-nothing there too.
class Transaction {
 public:
  Transaction(StatementCache& statements, bool nested)
      : statements_(statements), nested_(nested) {
    SqliteStatement(statements_, nested_ ? "SAVEPOINT tx" : "BEGIN IMMEDIATE").run();
  }
  ~Transaction() {
    if (done_) return;
    sqlite3_exec(statements_.db(), nested_ ? "ROLLBACK TO tx; RELEASE tx" : "ROLLBACK", nullptr,
                 nullptr, nullptr);
  }
  void commit() {
    SqliteStatement(statements_, nested_ ? "RELEASE tx" : "COMMIT").run();
    done_ = true;
  }

 private:
  StatementCache& statements_;
  bool nested_;
  bool done_ = false;
};

/// Commits made while it lives do not fsync the WAL (synchronous=NORMAL): for arrivals only.
/// An arrival's instance file and its name are already durable (Spool::commit), and after a
/// power cut reconcile_spool() records every spooled instance the registry lost, so the row
/// can wait for the next synced commit. Every other commit (a claim before its request goes
/// out, an outcome, an operator's change) stays FULL, and since the WAL is one sequential log,
/// syncing it makes every earlier arrival durable too: a study can never be durably in flight
/// or registered while its arrivals are not. Saves one fdatasync (about 0.5 ms) per C-STORE.
class UnsyncedCommits {
 public:
  explicit UnsyncedCommits(StatementCache& statements) : statements_(statements) {
    SqliteStatement(statements_, "PRAGMA synchronous=NORMAL").run();
  }
  ~UnsyncedCommits() {
    try {
      SqliteStatement(statements_, "PRAGMA synchronous=FULL").run();
    } catch (...) {
      // Setting a flag on an open connection does not fail; were it to, later commits would
      // still be consistent, only not synced: there is nothing better to do in a destructor.
    }
  }
  UnsyncedCommits(const UnsyncedCommits&) = delete;
  UnsyncedCommits& operator=(const UnsyncedCommits&) = delete;

 private:
  StatementCache& statements_;
};

}  // namespace gw::registry
