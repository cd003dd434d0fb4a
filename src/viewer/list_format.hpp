#pragma once
// The JSON of the Viewer API's read calls (viewer-api.md, "The lists' exact shapes" and
// "Nullability"): one study object, one user object, a page of a list. Pure functions: no I/O,
// no Beast. Internal to the viewer adapter.
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
  std::string cursor;  // opaque (Base64 from the vendor); pass back unchanged as ?cursor=
};
using StudyPage = Page<StudyRecord>;
using CustomerPage = Page<ExpressCustomer>;

/// A study object: studyId must be "stu_" + 32 hex; studyInstanceUid a string; isCancelled,
/// studyViewerStatus and createdAt are read when present and well-formed (createdAt nullopt
/// when absent, null or unreadable, as the SDKs allow). Unknown fields are ignored. nullopt for
/// malformed JSON or a missing studyId or studyInstanceUid. Pure; thread-safe.
std::optional<StudyRecord> parse_study(std::string_view body);

/// A user object: userId must be "usr_" + 32 hex; email a string (both required by the
/// reference); firstName and lastName read when they are strings (empty when absent or null).
/// Unknown fields are ignored. Pure; thread-safe.
std::optional<UserRecord> parse_user(std::string_view body);

/// {"hasMore": bool, "studies": [study…], "cursor": string, absent or null}. nullopt when the body
/// is not such an object, an item is not a readable study, or hasMore is true without a cursor:
/// silently skipping a study could turn "found" into "not found". Unknown keys are ignored.
/// The client no longer walks this list (lookups go by UID); the contract tests read the
/// vendor's example page with it, since it shares the page reader with the customer list.
std::optional<StudyPage> parse_study_page(std::string_view body);

/// {"hasMore", "expressCustomers": [{expressCustomerId, expressCustomerName, isActive, …}…],
/// "cursor"}. Each customer needs a string id; a missing name reads as empty, a missing isActive
/// as false (an unknown state must not pass as active). Same refusals as parse_study_page.
std::optional<CustomerPage> parse_customer_page(std::string_view body);

}  // namespace gw::viewer::detail
