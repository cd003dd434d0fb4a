#pragma once
// What the registry's files share: how a study row is read, keys, the due query, rule hits.
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
/// Counts one study routed by `rule` (first counted at `at`), inside an open transaction: a
/// rule's hits are its studies, committed with them.
void count_rule_hit(StatementCache& statements, const std::string& rule, TimestampMs at);

}  // namespace gw::registry::detail
