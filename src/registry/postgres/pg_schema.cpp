#include "pg_schema.hpp"

#include <iterator>
#include <stdexcept>
#include <string>

namespace gw::registry::pg {
namespace {

// The advisory lock key of schema changes: any fixed number other tools are unlikely to use.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7305718320916620601)";

// Version 1: the SQLite store's tables with its later columns included, BIGINT for times and
// counters. UIDs and names compare byte-wise (COLLATE "C") so that paging and the due queue
// order rows exactly as SQLite does, whatever the database's locale. Two tables are the
// fleet's own: a node's copy of a study in its local spool (retention is per node), and rule
// hits per node (a node's restart resets its own counts only).
constexpr const char* kVersion1 = R"sql(
CREATE TABLE studies (
  study_instance_uid TEXT COLLATE "C" PRIMARY KEY,
  state              TEXT COLLATE "C" NOT NULL,
  rule_name          TEXT NOT NULL,
  request_body       TEXT NOT NULL,
  idempotency_key    TEXT NOT NULL,
  attempts           BIGINT NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  study_id           TEXT NOT NULL DEFAULT '',
  first_seen         BIGINT NOT NULL,
  last_instance      BIGINT NOT NULL,
  next_attempt       BIGINT NOT NULL,
  updated            BIGINT NOT NULL,
  instances          BIGINT NOT NULL DEFAULT 0,
  bytes              BIGINT NOT NULL DEFAULT 0,
  lookup_first       BIGINT NOT NULL DEFAULT 0,
  first_attempt      BIGINT NOT NULL DEFAULT 0,
  modalities         TEXT NOT NULL DEFAULT '',
  facts_json         TEXT NOT NULL DEFAULT '',
  description        TEXT NOT NULL DEFAULT '',
  accession_number   TEXT NOT NULL DEFAULT '',
  callers            TEXT NOT NULL DEFAULT '',
  received_by        TEXT NOT NULL DEFAULT '',
  claimed_by         TEXT NOT NULL DEFAULT '',
  lease_until        BIGINT NOT NULL DEFAULT 0,
  registered_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX studies_by_due ON studies(state, next_attempt, first_seen);
CREATE INDEX studies_by_age_due ON studies(state, first_seen, study_instance_uid, next_attempt);
CREATE INDEX studies_by_first_seen ON studies(first_seen, study_instance_uid);
CREATE INDEX studies_registered ON studies(updated) WHERE state = 'registered';
CREATE INDEX studies_claims ON studies(claimed_by, lease_until) WHERE state = 'in_flight';
CREATE TABLE instances (
  study_instance_uid  TEXT COLLATE "C" NOT NULL,
  sop_instance_uid    TEXT COLLATE "C" NOT NULL,
  bytes               BIGINT NOT NULL,
  received            BIGINT NOT NULL,
  series_instance_uid TEXT NOT NULL DEFAULT '',
  sop_class_uid       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (study_instance_uid, sop_instance_uid)
);
CREATE INDEX instances_by_sop ON instances(sop_instance_uid);
CREATE TABLE spool_copies (
  study_instance_uid TEXT COLLATE "C" NOT NULL,
  node               TEXT COLLATE "C" NOT NULL,
  last_instance      BIGINT NOT NULL,
  removed            BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (study_instance_uid, node)
);
CREATE INDEX spool_copies_kept ON spool_copies(node, study_instance_uid) WHERE NOT removed;
CREATE TABLE attempts (
  id                 BIGSERIAL PRIMARY KEY,
  study_instance_uid TEXT COLLATE "C" NOT NULL,
  at                 BIGINT NOT NULL,
  outcome            TEXT NOT NULL,
  http_status        BIGINT NOT NULL,
  error              TEXT NOT NULL,
  duration_ms        BIGINT NOT NULL
);
CREATE INDEX attempts_by_study ON attempts(study_instance_uid, at);
CREATE TABLE rule_hits (
  node     TEXT COLLATE "C" NOT NULL,
  rule     TEXT COLLATE "C" NOT NULL,
  position BIGINT NOT NULL,
  hits     BIGINT NOT NULL,
  since    BIGINT NOT NULL,
  PRIMARY KEY (node, rule)
);
CREATE TABLE commitments (
  transaction_uid TEXT COLLATE "C" PRIMARY KEY,
  requester_ae    TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        BIGINT NOT NULL DEFAULT 0,
  received        BIGINT NOT NULL,
  next_attempt    BIGINT NOT NULL,
  updated         BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX commitments_by_due ON commitments(state, next_attempt);
CREATE TABLE commitment_items (
  transaction_uid  TEXT COLLATE "C" NOT NULL,
  position         BIGINT NOT NULL,
  sop_class_uid    TEXT NOT NULL,
  sop_instance_uid TEXT COLLATE "C" NOT NULL,
  failure          BIGINT,
  PRIMARY KEY (transaction_uid, position)
);
CREATE INDEX commitment_items_by_sop ON commitment_items(sop_instance_uid);
)sql";

// Each upgrade takes the schema from version (index) to version (index + 1).
constexpr const char* kUpgrades[] = {kVersion1};
constexpr int kLatest = static_cast<int>(std::size(kUpgrades));

}  // namespace

void apply_schema(Connection& connection) {
  Transaction tx(connection);
  connection.exec(kSchemaLock);  // held until this transaction ends: the next node waits here
  connection.exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
  const Result current = connection.exec("SELECT MAX(version) FROM schema_version");
  const int version = static_cast<int>(current.integer(0, 0));
  if (version > kLatest) {
    throw std::runtime_error("state database: its schema (version " + std::to_string(version) +
                             ") is newer than this gateway's (" + std::to_string(kLatest) +
                             "): upgrade the gateway");
  }
  for (int v = version; v < kLatest; ++v) connection.exec_script(kUpgrades[v]);
  if (version < kLatest) {
    connection.exec("DELETE FROM schema_version");
    connection.exec("INSERT INTO schema_version (version) VALUES ($1)",
                    Params().add(std::int64_t{kLatest}));
  }
  tx.commit();
}

}  // namespace gw::registry::pg
