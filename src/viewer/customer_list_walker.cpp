#include "customer_list_walker.hpp"

#include <chrono>
#include <utility>

#include "exchange_outcomes.hpp"
#include "list_format.hpp"

namespace gw::viewer::detail {

void CustomerListWalker::start(FetchFunction fetch, ViewerEndpoint endpoint, unsigned max_pages,
                               Finish finish) {
  auto walker = std::make_shared<CustomerListWalker>(std::move(fetch), std::move(endpoint),
                                                     max_pages, std::move(finish));
  walker->fetch_page({});
}

CustomerListWalker::CustomerListWalker(FetchFunction fetch, ViewerEndpoint endpoint,
                                       unsigned max_pages, Finish finish)
    : fetch_(std::move(fetch)),
      endpoint_(std::move(endpoint)),
      max_pages_(max_pages),
      finish_(std::move(finish)) {}

void CustomerListWalker::fetch_page(const std::string& cursor) {
  // Called through a copy: a fetch may answer at once (client gone), re-entering this walker.
  const FetchFunction fetch = fetch_;
  fetch(customer_list_target(endpoint_, list_page_size, cursor),
        [self = shared_from_this()](ExchangeResult result) { self->on_page(std::move(result)); });
}

void CustomerListWalker::on_page(ExchangeResult result) {
  if (!is_success(result)) return fail(to_call_failure(result, std::chrono::system_clock::now()));
  auto page = parse_customer_page(result.body);
  if (!page) {
    return fail(unreadable_answer(result, "page " + std::to_string(pages_read_ + 1) +
                                              " of the customer list is not readable"));
  }
  ++pages_read_;
  for (auto& customer : page->items) outcome_.customers.push_back(std::move(customer));
  if (page->has_more) {
    // A partial list would make a configured customer look unknown: fail instead.
    if (pages_read_ < max_pages_) return fetch_page(page->cursor);
    CallFailure failure;
    failure.kind = FailureKind::permanent;
    failure.http_status = result.status;
    failure.error = "more than " + std::to_string(max_pages_) + " pages of customers";
    return fail(std::move(failure));
  }
  outcome_.kind = ListCustomersOutcome::Kind::listed;
  if (auto finish = std::exchange(finish_, nullptr)) finish(std::move(outcome_));
}

void CustomerListWalker::fail(CallFailure failure) {
  ListCustomersOutcome outcome;
  outcome.kind = ListCustomersOutcome::Kind::failed;
  outcome.failure = std::move(failure);
  if (auto finish = std::exchange(finish_, nullptr)) finish(std::move(outcome));
}

}  // namespace gw::viewer::detail
