// PostgresStudyRegistry::page(): the console's and `studies list`'s search, keyset-paged newest
// first, fleet-wide, on the reader connection.
#include <string>

#include "pg_connection.hpp"
#include "pg_rows.hpp"
#include "postgres_study_registry.hpp"

namespace gw::registry {

StudyPage PostgresStudyRegistry::page(const StudyQuery& query) {
  // Only the filters the query uses, numbered in the order they are added. The text search is
  // a case-insensitive substring (as SQLite's LIKE is for ASCII), by strpos so that %, _ and
  // backslash in the text are plain characters.
  std::string sql = std::string("SELECT ") + pg::kColumns + " FROM studies WHERE true";
  pg::Params params;
  auto next = [&] { return "$" + std::to_string(params.values().size()); };
  if (query.state) {
    params.add(std::string(to_string(*query.state)));
    sql += " AND state = " + next();
  }
  if (!query.text.empty()) {
    params.add(query.text);
    const std::string p = "lower(" + next() + ")";
    sql += " AND (strpos(lower(study_instance_uid), " + p + ") > 0 OR strpos(lower(accession_number), " +
           p + ") > 0 OR strpos(lower(description), " + p + ") > 0)";
  }
  if (!query.calling_ae.empty()) {
    params.add(query.calling_ae);
    sql += " AND strpos('\\' || callers || '\\', '\\' || " + next() + " || '\\') > 0";
  }
  if (query.since) {
    params.add(*query.since);
    sql += " AND first_seen >= " + next();
  }
  if (query.until) {
    params.add(*query.until);
    sql += " AND first_seen < " + next();
  }
  if (query.after) {
    params.add(query.after->first);
    const std::string seen = next();
    params.add(query.after->second);
    sql += " AND (first_seen, study_instance_uid) < (" + seen + "::bigint, " + next() + "::text)";
  }
  // One row more than asked tells whether another page follows.
  params.add(static_cast<std::int64_t>(query.limit) + 1);
  sql += " ORDER BY first_seen DESC, study_instance_uid DESC LIMIT " + next();

  std::lock_guard lock(reader_mutex_);
  StudyPage page;
  page.studies = pg::read_records(reader_->exec_retrying(sql, params));
  if (page.studies.size() > query.limit) {
    page.studies.pop_back();
    page.more = true;
  }
  return page;
}

}  // namespace gw::registry
