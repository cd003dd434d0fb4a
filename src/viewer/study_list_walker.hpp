#pragma once
// Drives a StudySearch over the network: fetches `GET …/viewer/studies?limit=100&cursor=…` one
// page at a time through the client's pool until the search has a verdict. Internal to the
// viewer adapter; no Beast here (pages come through a FetchFunction), so tests may fake it.
#include <functional>
#include <memory>

#include "exchange_result.hpp"
#include "gateway/viewer/query_outcomes.hpp"
#include "study_search.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer::detail {

/// The page size of every list walk: the API's maximum, so a walk needs the fewest requests.
inline constexpr unsigned list_page_size = 100;

/// One walk. Always held by shared_ptr: each pending fetch keeps it alive. Runs wherever
/// `fetch` calls back (the client's strand); one page in flight at a time.
class StudyListWalker : public std::enable_shared_from_this<StudyListWalker> {
 public:
  using Finish = std::function<void(FindStudyOutcome)>;

  /// Starts the walk; `finish` runs exactly once, from a fetch callback.
  static void start(FetchFunction fetch, ViewerEndpoint endpoint, StudySearch search,
                    Finish finish);

  StudyListWalker(FetchFunction fetch, ViewerEndpoint endpoint, StudySearch search, Finish finish);

 private:
  void fetch_page(const std::string& cursor);
  void on_page(ExchangeResult result);
  void done(FindStudyOutcome::Kind kind, CallFailure failure = {});

  FetchFunction fetch_;
  ViewerEndpoint endpoint_;
  StudySearch search_;
  Finish finish_;
};

}  // namespace gw::viewer::detail
