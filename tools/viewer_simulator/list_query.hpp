#pragma once
// Query strings of the paged list calls: limit (1–100, default 20), an opaque cursor, filters.
#include <boost/url/params_view.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "study.hpp"
#include "study_validation.hpp"

namespace gw::sim {

/// GET /v1/viewer/studies, checked. Value type.
struct StudyListQuery {
  StudyFilter filter;
  std::size_t limit = 20;
  std::optional<std::uint64_t> before;  // from the cursor: continue below this sequence
};

/// GET /v1/express, checked. Value type.
struct PageQuery {
  std::size_t limit = 20;
  std::size_t from = 0;  // from the cursor: index of the first customer
};

/// Checks the study list's parameters; an empty value counts as absent, unknown names are ignored.
Checked<StudyListQuery> parse_study_list_query(boost::urls::params_view params);
/// Checks limit and cursor of a plain paged list.
Checked<PageQuery> parse_page_query(boost::urls::params_view params);

/// Cursors are opaque to clients and Base64 like the vendor's; each list's cursors are tagged
/// inside, so one list rejects another's.
std::string study_cursor(std::uint64_t before);
std::string customer_cursor(std::size_t from);

}  // namespace gw::sim
