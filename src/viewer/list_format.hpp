#pragma once
// The JSON of the Viewer API's read calls: one study object, a page of the study list, a page
// of express customers. Pure functions: no I/O, no Beast. Internal to the viewer adapter.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/viewer/query_outcomes.hpp"

namespace gw::viewer::detail {

/// One page of a paged list. `cursor` is non-empty whenever `has_more` is. Value type.
template <class Item>
struct Page {
  std::vector<Item> items;
  bool has_more = false;
  std::string cursor;  // opaque; pass back as ?cursor=
};
using StudyPage = Page<StudyRecord>;
using CustomerPage = Page<ExpressCustomer>;

/// A study object: studyId must be "stu_" + 32 hex; studyInstanceUid a string; isCancelled,
/// studyViewerStatus and createdAt are read when present and well-formed (createdAt nullopt
/// otherwise). Extra fields are ignored. nullopt for malformed JSON or a missing studyId or
/// studyInstanceUid. Pure; thread-safe.
std::optional<StudyRecord> parse_study(std::string_view body);

/// {"data": [study…], "hasMore": bool, "cursor": string|null}. nullopt when the body is not
/// such an object, an item is not a readable study, or hasMore is true without a cursor:
/// silently skipping a study could turn "found" into "not found". Pure; thread-safe.
std::optional<StudyPage> parse_study_page(std::string_view body);

/// {"data": [{expressCustomerId, expressCustomerName, isActive, …}…], "hasMore", "cursor"}.
/// Each customer needs a string id; a missing name reads as empty, a missing isActive as
/// false (an unknown state must not pass as active). Same refusals as parse_study_page.
std::optional<CustomerPage> parse_customer_page(std::string_view body);

}  // namespace gw::viewer::detail
