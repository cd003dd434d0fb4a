#pragma once
// What the PostgreSQL store's files share: how a study row is read, and the due query.
#include <string>

#include "gateway/registry/study_registry.hpp"
#include "pg_connection.hpp"

namespace gw::registry::pg {

/// The columns read_record() expects, in its order (as the SQLite store's).
extern const char* const kColumns;
/// Row `row` of `result`, read from kColumns.
StudyRecord read_record(const Result& result, int row);
/// Every row of `result`, read from kColumns.
std::vector<StudyRecord> read_records(const Result& result);
/// Rows in `state` whose next_attempt has come, oldest (or newest) first; $1 now, $2 limit.
std::string select_due_by_age(const char* state, StudyRegistry::DueOrder order);

}  // namespace gw::registry::pg
