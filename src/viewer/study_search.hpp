#pragma once
// The decisions of a search for one StudyInstanceUID in the newest-first study list: match,
// follow the cursor, or stop. Pure (pages are fed in), so every stopping rule is table-tested
// without a server. Internal to the viewer adapter.
#include <chrono>
#include <string>

#include "gateway/viewer/query_outcomes.hpp"
#include "list_format.hpp"

namespace gw::viewer::detail {

/// One search. Value type; not thread-safe (the walker uses it on its strand).
class StudySearch {
 public:
  enum class Step {
    found,         // match() is the newest study with the UID
    next_page,     // fetch the page at cursor()
    not_found,     // the end of the list, or a page reached back before the time bound
    budget_spent,  // max_pages read without a verdict: the study may still exist
  };

  StudySearch(std::string study_instance_uid,
              std::chrono::system_clock::time_point created_not_before, unsigned max_pages);

  /// Reads the next page, newest first. A page whose createdAt values are all unreadable
  /// cannot prove the bound was passed, so the search goes on (the budget still ends it).
  Step consume(const StudyPage& page);

  const std::string& study_instance_uid() const noexcept { return uid_; }
  const StudyRecord& match() const noexcept { return match_; }
  const std::string& cursor() const noexcept { return cursor_; }
  unsigned pages_read() const noexcept { return pages_read_; }
  unsigned max_pages() const noexcept { return max_pages_; }

 private:
  std::string uid_;
  std::chrono::system_clock::time_point not_before_;
  unsigned max_pages_;
  unsigned pages_read_ = 0;
  std::string cursor_;
  StudyRecord match_;
};

}  // namespace gw::viewer::detail
