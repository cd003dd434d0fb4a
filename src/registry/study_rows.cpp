#include "study_rows.hpp"

#include <random>

namespace gw::registry::detail {


const char* const kColumns =
    "study_instance_uid, state, rule_name, request_body, idempotency_key, attempts, last_error, "
    "study_id, first_seen, last_instance, next_attempt, updated, instances, bytes, lookup_first, "
    "first_attempt, modalities, facts_json, description, accession_number, callers, "
    "received_by, claimed_by, lease_until, registered_by, "
    "(SELECT COUNT(DISTINCT series_instance_uid) FROM instances i WHERE i.study_instance_uid = "
    "studies.study_instance_uid AND series_instance_uid <> '')";


StudyRecord read_record(const SqliteStatement& s) {
  StudyRecord r;
  r.study_instance_uid = s.text(0);
  r.state = parse_study_state(s.text(1)).value_or(StudyState::pending);
  r.rule_name = s.text(2);
  r.request_body = s.text(3);
  r.idempotency_key = s.text(4);
  r.attempts = static_cast<int>(s.integer(5));
  r.last_error = s.text(6);
  r.study_id = s.text(7);
  r.first_seen = s.integer(8);
  r.last_instance = s.integer(9);
  r.next_attempt = s.integer(10);
  r.updated = s.integer(11);
  r.instances = s.integer(12);
  r.bytes = s.integer(13);
  r.lookup_first = s.integer(14) != 0;
  r.first_attempt = s.integer(15);
  r.modalities = s.text(16);
  r.facts_json = s.text(17);
  r.description = s.text(18);
  r.accession_number = s.text(19);
  r.callers = s.text(20);
  r.received_by = s.text(21);
  r.claimed_by = s.text(22);
  r.lease_until = s.integer(23);
  r.registered_by = s.text(24);
  r.series = s.integer(25);
  return r;
}

/// 128 random bits as 32 hex digits: the Idempotency-Key of one registration.
std::string new_idempotency_key() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) key[half * 16 + i] = kHex[bits & 0xF];
  }
  return key;
}

// Rows in `state` whose next_attempt has come, oldest (or newest) first; binds: now, limit.
// The inner query walks studies_by_age_due in age order and stops after `limit` due rows,
// reading only the index; the columns are then read for those rows alone. Filtering on
// studies_by_due and sorting instead read every due row and its columns: with a backlog of
// 10,000 studies that took ~10 ms per claim, a whole core, and half the ideal drain rate.
std::string select_due_by_age(const char* state, StudyRegistry::DueOrder order) {
  const std::string by = order == StudyRegistry::DueOrder::oldest_first
                             ? "ORDER BY first_seen, study_instance_uid"
                             : "ORDER BY first_seen DESC, study_instance_uid DESC";
  return std::string("SELECT ") + kColumns +
         " FROM studies WHERE study_instance_uid IN (SELECT study_instance_uid FROM studies "
         "INDEXED BY studies_by_age_due WHERE state = '" + state + "' AND next_attempt <= ? " +
         by + " LIMIT ?) " + by;
}

void count_rule_hit(StatementCache& statements, const std::string& rule, TimestampMs at) {
  SqliteStatement(statements,
                  "INSERT INTO rule_hits (position, rule, hits, since) VALUES "
                  "((SELECT COALESCE(MAX(position), 0) + 1 FROM rule_hits), ?, 1, ?) "
                  "ON CONFLICT(rule) DO UPDATE SET hits = hits + 1")
      .bind(1, rule)
      .bind(2, at)
      .run();
}

}  // namespace gw::registry::detail
