#pragma once
// The PostgreSQL store's tables. Internal to src/registry/postgres.
#include "pg_connection.hpp"

namespace gw::registry::pg {

/// Creates or upgrades the tables, once, whichever node starts first: under a transaction-level
/// advisory lock, so nodes opening a fresh database at the same moment take turns.
void apply_schema(Connection& connection);

}  // namespace gw::registry::pg
