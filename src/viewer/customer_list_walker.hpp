#pragma once
// Reads every page of `GET …/express?limit=100&cursor=…` through the client's pool.
// Internal to the viewer adapter; no Beast here (pages come through a FetchFunction).
#include <functional>
#include <memory>

#include "exchange_result.hpp"
#include "gateway/viewer/query_outcomes.hpp"
#include "viewer_endpoint.hpp"

namespace gw::viewer::detail {

/// The page size of the walk: the API's maximum, so it needs the fewest requests.
inline constexpr unsigned list_page_size = 100;

/// One walk. Always held by shared_ptr: each pending fetch keeps it alive. Runs wherever
/// `fetch` calls back (the client's strand); one page in flight at a time.
class CustomerListWalker : public std::enable_shared_from_this<CustomerListWalker> {
 public:
  using Finish = std::function<void(ListCustomersOutcome)>;

  /// Starts the walk; `finish` runs exactly once, from a fetch callback. More than
  /// `max_pages` pages fail (permanent) rather than return a partial list.
  static void start(FetchFunction fetch, ViewerEndpoint endpoint, unsigned max_pages,
                    Finish finish);

  CustomerListWalker(FetchFunction fetch, ViewerEndpoint endpoint, unsigned max_pages,
                     Finish finish);

 private:
  void fetch_page(const std::string& cursor);
  void on_page(ExchangeResult result);
  void fail(CallFailure failure);

  FetchFunction fetch_;
  ViewerEndpoint endpoint_;
  unsigned max_pages_;
  unsigned pages_read_ = 0;
  ListCustomersOutcome outcome_;  // customers gathered so far
  Finish finish_;
};

}  // namespace gw::viewer::detail
