#pragma once
// The registry's tables and how a database from an older gateway is brought up to date;
// internal to the registry.
#include <sqlite3.h>

namespace gw::registry {

/// Sets the connection up (WAL, synchronous=FULL, foreign keys), creates the tables and
/// indexes that are missing, and adds the columns later releases introduced, so an upgrade
/// keeps every study. Throws std::runtime_error naming SQLite's message.
void apply_schema(sqlite3* db);

}  // namespace gw::registry
