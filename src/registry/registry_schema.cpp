#include "registry_schema.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqlite_statement.hpp"

namespace gw::registry {
namespace {

// An instance is keyed by its study and its SOP Instance UID: senders do reuse SOP UIDs
// across studies.
constexpr const char* kInstancesTable = R"sql(
CREATE TABLE IF NOT EXISTS instances (
  sop_instance_uid   TEXT NOT NULL,
  study_instance_uid TEXT NOT NULL,
  bytes              INTEGER NOT NULL,
  received           INTEGER NOT NULL,
  series_instance_uid TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (study_instance_uid, sop_instance_uid)
) WITHOUT ROWID;
)sql";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS studies (
  study_instance_uid TEXT PRIMARY KEY,
  state              TEXT NOT NULL,
  rule_name          TEXT NOT NULL,
  request_body       TEXT NOT NULL,
  idempotency_key    TEXT NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  study_id           TEXT NOT NULL DEFAULT '',
  first_seen         INTEGER NOT NULL,
  last_instance      INTEGER NOT NULL,
  next_attempt       INTEGER NOT NULL,
  updated            INTEGER NOT NULL,
  instances          INTEGER NOT NULL DEFAULT 0,
  bytes              INTEGER NOT NULL DEFAULT 0,
  lookup_first       INTEGER NOT NULL DEFAULT 0,
  first_attempt      INTEGER NOT NULL DEFAULT 0,
  spool_removed      INTEGER NOT NULL DEFAULT 0,
  modalities         TEXT NOT NULL DEFAULT '',
  facts_json         TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS studies_by_due ON studies(state, next_attempt, first_seen);
CREATE INDEX IF NOT EXISTS studies_by_age_due ON studies(state, first_seen, study_instance_uid,
                                                   next_attempt);
CREATE TABLE IF NOT EXISTS attempts (
  study_instance_uid TEXT NOT NULL,
  at                 INTEGER NOT NULL,
  outcome            TEXT NOT NULL,
  http_status        INTEGER NOT NULL,
  error              TEXT NOT NULL,
  duration_ms        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_study ON attempts(study_instance_uid, at);
CREATE TABLE IF NOT EXISTS rule_hits (
  position INTEGER NOT NULL,
  rule     TEXT PRIMARY KEY,
  hits     INTEGER NOT NULL,
  since    INTEGER NOT NULL
);
)sql";

// Columns added after the first release, with their definitions: a database written by an
// older gateway gains them at open, so an upgrade keeps every study.
struct AddedColumn {
  const char* table;
  const char* name;
  const char* definition;
};
constexpr AddedColumn kAddedColumns[] = {
    {"studies", "lookup_first", "INTEGER NOT NULL DEFAULT 0"},
    {"studies", "first_attempt", "INTEGER NOT NULL DEFAULT 0"},
    {"studies", "spool_removed", "INTEGER NOT NULL DEFAULT 0"},
    {"studies", "modalities", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "facts_json", "TEXT NOT NULL DEFAULT ''"},
    {"instances", "series_instance_uid", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "description", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "accession_number", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "callers", "TEXT NOT NULL DEFAULT ''"},
    // Storage Commitment checks a named SOP class against the one stored (0x0119).
    {"instances", "sop_class_uid", "TEXT NOT NULL DEFAULT ''"},
    // Which node received a study first, holds its claim (and until when), registered it.
    {"studies", "received_by", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "claimed_by", "TEXT NOT NULL DEFAULT ''"},
    {"studies", "lease_until", "INTEGER NOT NULL DEFAULT 0"},
    {"studies", "registered_by", "TEXT NOT NULL DEFAULT ''"},
};

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw std::runtime_error("state database: " + message);
  }
}

void add_missing_columns(sqlite3* db) {
  for (const auto& [table, name, definition] : kAddedColumns) {
    std::vector<std::string> present;
    {
      SqliteStatement info(db, (std::string("PRAGMA table_info(") + table + ")").c_str());
      while (info.step()) present.push_back(info.text(1));
    }
    if (std::find(present.begin(), present.end(), name) != present.end()) continue;
    exec(db, std::string("ALTER TABLE ") + table + " ADD COLUMN " + name + ' ' + definition);
  }
}

// Before 0.2 an instance was keyed by its SOP Instance UID alone, so a SOP UID that arrived
// again under another study (senders do reuse them) was not recorded for the second study,
// and a power cut could then lose that study. The key is now (study, SOP): rebuild the table
// once, keeping every row.
void rekey_instances(sqlite3* db) {
  bool keyed_by_study = false;
  {
    SqliteStatement info(db, "PRAGMA table_info(instances)");
    while (info.step()) {
      if (info.text(1) == "study_instance_uid" && info.integer(5) > 0) keyed_by_study = true;
    }
  }
  if (keyed_by_study) return;
  exec(db, std::string("BEGIN IMMEDIATE;\nALTER TABLE instances RENAME TO instances_by_sop;") +
               kInstancesTable +
               "INSERT INTO instances SELECT sop_instance_uid, study_instance_uid, bytes, received,"
               " series_instance_uid FROM instances_by_sop;\n"
               "DROP TABLE instances_by_sop;\nCOMMIT;");
}

// Indexes on added columns: created once those columns exist.
constexpr const char* kIndexesOnAddedColumns = R"sql(
CREATE INDEX IF NOT EXISTS instances_by_study ON instances(study_instance_uid, series_instance_uid);
-- Registered studies whose files are still in the spool, for the janitor: the rows that have
-- left the spool (nearly all of them, after a few years) are not in this index at all.
CREATE INDEX IF NOT EXISTS studies_to_unspool ON studies(updated)
  WHERE state = 'registered' AND spool_removed = 0;
-- The console's and `studies list`'s pages, newest first, when no state is chosen.
CREATE INDEX IF NOT EXISTS studies_by_first_seen ON studies(first_seen, study_instance_uid);
-- Storage Commitment names instances by SOP Instance UID alone.
CREATE INDEX IF NOT EXISTS instances_by_sop ON instances(sop_instance_uid);
-- studies_by_age(state, first_seen) is a prefix of studies_by_age_due, which replaced it.
DROP INDEX IF EXISTS studies_by_age;
)sql";

// Storage Commitment requests (PS3.4 Annex J), keyed by their Transaction UID, and the
// instances each names in request order; `failure` stays NULL until the request is resolved.
constexpr const char* kCommitmentTables = R"sql(
CREATE TABLE IF NOT EXISTS commitments (
  transaction_uid TEXT PRIMARY KEY,
  requester_ae    TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  received        INTEGER NOT NULL,
  next_attempt    INTEGER NOT NULL,
  updated         INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS commitments_by_due ON commitments(state, next_attempt);
CREATE TABLE IF NOT EXISTS commitment_items (
  transaction_uid  TEXT NOT NULL,
  position         INTEGER NOT NULL,
  sop_class_uid    TEXT NOT NULL,
  sop_instance_uid TEXT NOT NULL,
  failure          INTEGER,
  PRIMARY KEY (transaction_uid, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS commitment_items_by_sop ON commitment_items(sop_instance_uid);
)sql";

}  // namespace

void apply_schema(sqlite3* db) {
  // WAL lets the `studies` command read while the daemon writes; synchronous=FULL makes
  // every commit durable before anything depends on it (arrivals: see UnsyncedCommits).
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, "PRAGMA foreign_keys=ON");
  exec(db, kSchema);
  exec(db, kInstancesTable);
  add_missing_columns(db);
  rekey_instances(db);
  add_missing_columns(db);  // again: a rekeyed instances table is created without the later ones
  exec(db, kIndexesOnAddedColumns);
  exec(db, kCommitmentTables);
}

}  // namespace gw::registry
