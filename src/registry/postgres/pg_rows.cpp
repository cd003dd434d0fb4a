#include "pg_rows.hpp"

namespace gw::registry::pg {

const char* const kColumns =
    "study_instance_uid, state, rule_name, request_body, idempotency_key, attempts, last_error, "
    "study_id, first_seen, last_instance, next_attempt, updated, instances, bytes, lookup_first, "
    "first_attempt, modalities, facts_json, description, accession_number, callers, "
    "received_by, claimed_by, lease_until, registered_by, "
    "(SELECT COUNT(DISTINCT series_instance_uid) FROM instances i WHERE i.study_instance_uid = "
    "studies.study_instance_uid AND series_instance_uid <> '')";

StudyRecord read_record(const Result& s, int row) {
  StudyRecord r;
  r.study_instance_uid = s.text(row, 0);
  r.state = parse_study_state(s.text(row, 1)).value_or(StudyState::pending);
  r.rule_name = s.text(row, 2);
  r.request_body = s.text(row, 3);
  r.idempotency_key = s.text(row, 4);
  r.attempts = static_cast<int>(s.integer(row, 5));
  r.last_error = s.text(row, 6);
  r.study_id = s.text(row, 7);
  r.first_seen = s.integer(row, 8);
  r.last_instance = s.integer(row, 9);
  r.next_attempt = s.integer(row, 10);
  r.updated = s.integer(row, 11);
  r.instances = s.integer(row, 12);
  r.bytes = s.integer(row, 13);
  r.lookup_first = s.integer(row, 14) != 0;
  r.first_attempt = s.integer(row, 15);
  r.modalities = s.text(row, 16);
  r.facts_json = s.text(row, 17);
  r.description = s.text(row, 18);
  r.accession_number = s.text(row, 19);
  r.callers = s.text(row, 20);
  r.received_by = s.text(row, 21);
  r.claimed_by = s.text(row, 22);
  r.lease_until = s.integer(row, 23);
  r.registered_by = s.text(row, 24);
  r.series = s.integer(row, 25);
  return r;
}

std::vector<StudyRecord> read_records(const Result& result) {
  std::vector<StudyRecord> out;
  out.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) out.push_back(read_record(result, row));
  return out;
}

// As the SQLite store's: the inner query walks studies_by_age_due in age order and stops after
// `limit` due rows; the columns are then read for those rows alone.
std::string select_due_by_age(const char* state, StudyRegistry::DueOrder order) {
  const std::string by = order == StudyRegistry::DueOrder::oldest_first
                             ? "ORDER BY first_seen, study_instance_uid"
                             : "ORDER BY first_seen DESC, study_instance_uid DESC";
  return std::string("SELECT ") + kColumns +
         " FROM studies WHERE study_instance_uid IN (SELECT study_instance_uid FROM studies "
         "WHERE state = '" + state + "' AND next_attempt <= $1 " + by + " LIMIT $2) " + by;
}

}  // namespace gw::registry::pg
