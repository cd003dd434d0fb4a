#pragma once
// How a study row is read: the column list and the reader, shared by the registry's files.
#include <string>

#include "gateway/registry/study_registry.hpp"
#include "sqlite_statement.hpp"

namespace gw::registry::detail {

/// The columns read_record() expects, in its order.
extern const char* const kColumns;
StudyRecord read_record(const SqliteStatement& s);
/// 128 random bits as 32 hex digits: the Idempotency-Key of one registration.
std::string new_idempotency_key();
/// Rows in `state` whose next_attempt has come, oldest (or newest) first; binds: now, limit.
std::string select_due_by_age(const char* state, StudyRegistry::DueOrder order);

}  // namespace gw::registry::detail
