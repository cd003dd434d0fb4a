// StudyRegistry::page(): the console's and `studies list`'s search, keyset-paged newest first.
#include <string>

#include "gateway/registry/study_registry.hpp"
#include "sqlite_statement.hpp"
#include "study_rows.hpp"

namespace gw::registry {
namespace {

/// `text` as a LIKE pattern matching it anywhere, its own % and _ taken literally.
std::string contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

// Every filter is written so that an unused one (bound NULL) is true. The key (first_seen,
// uid) orders rows and marks where a page ended: with a state, studies_by_age_due is walked
// backwards; without, studies_by_first_seen. A text search still reads the rows in that
// order and stops after `limit` matches (LIKE '%…%' cannot use an index).
constexpr const char* kPageWhere =
    " FROM studies WHERE (?1 IS NULL OR state = ?1)"
    " AND (?2 IS NULL OR study_instance_uid LIKE ?2 ESCAPE '\\'"
    "      OR accession_number LIKE ?2 ESCAPE '\\' OR description LIKE ?2 ESCAPE '\\')"
    " AND (?3 IS NULL OR instr('\\' || callers || '\\', '\\' || ?3 || '\\') > 0)"
    " AND (?4 IS NULL OR first_seen >= ?4) AND (?5 IS NULL OR first_seen < ?5)"
    " AND (?6 IS NULL OR first_seen < ?6 OR (first_seen = ?6 AND study_instance_uid < ?7))"
    " ORDER BY first_seen DESC, study_instance_uid DESC LIMIT ?8";

}  // namespace

StudyPage StudyRegistry::page(const StudyQuery& query) {
  auto run = [&](StatementCache& statements) {
    SqliteStatement s(statements, (std::string("SELECT ") + detail::kColumns + kPageWhere).c_str());
    query.state ? s.bind(1, to_string(*query.state)) : s.bind_null(1);
    query.text.empty() ? s.bind_null(2) : s.bind(2, contains_pattern(query.text));
    query.calling_ae.empty() ? s.bind_null(3) : s.bind(3, query.calling_ae);
    query.since ? s.bind(4, *query.since) : s.bind_null(4);
    query.until ? s.bind(5, *query.until) : s.bind_null(5);
    if (query.after) {
      s.bind(6, query.after->first).bind(7, query.after->second);
    } else {
      s.bind_null(6).bind_null(7);
    }
    // One row more than asked tells whether another page follows.
    s.bind(8, static_cast<std::int64_t>(query.limit) + 1);
    StudyPage page;
    while (s.step()) page.studies.push_back(detail::read_record(s));
    if (page.studies.size() > query.limit) {
      page.studies.pop_back();
      page.more = true;
    }
    return page;
  };
  if (!reader_) {
    std::lock_guard lock(mutex_);
    return run(*statements_);
  }
  std::lock_guard lock(reader_mutex_);
  return run(*reader_statements_);
}

}  // namespace gw::registry
