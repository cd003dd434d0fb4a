#include "study_search.hpp"

#include <optional>
#include <utility>

namespace gw::viewer::detail {

StudySearch::StudySearch(std::string study_instance_uid,
                         std::chrono::system_clock::time_point created_not_before,
                         unsigned max_pages)
    : uid_(std::move(study_instance_uid)), not_before_(created_not_before), max_pages_(max_pages) {}

StudySearch::Step StudySearch::consume(const StudyPage& page) {
  ++pages_read_;
  std::optional<std::chrono::system_clock::time_point> oldest;
  for (const StudyRecord& study : page.items) {
    // Newest first: the first match is the newest registration of this UID.
    if (study.study_instance_uid == uid_) {
      match_ = study;
      return Step::found;
    }
    if (study.created_at && (!oldest || *study.created_at < *oldest)) oldest = study.created_at;
  }
  if (!page.has_more) return Step::not_found;
  if (oldest && *oldest < not_before_) return Step::not_found;
  if (pages_read_ >= max_pages_) return Step::budget_spent;
  cursor_ = page.cursor;
  return Step::next_page;
}

}  // namespace gw::viewer::detail
