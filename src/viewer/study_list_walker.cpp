#include "study_list_walker.hpp"

#include <chrono>
#include <utility>

#include "exchange_outcomes.hpp"

namespace gw::viewer::detail {

using Kind = FindStudyOutcome::Kind;

void StudyListWalker::start(FetchFunction fetch, ViewerEndpoint endpoint, StudySearch search,
                            Finish finish) {
  auto walker = std::make_shared<StudyListWalker>(std::move(fetch), std::move(endpoint),
                                                  std::move(search), std::move(finish));
  walker->fetch_page({});
}

StudyListWalker::StudyListWalker(FetchFunction fetch, ViewerEndpoint endpoint, StudySearch search,
                                 Finish finish)
    : fetch_(std::move(fetch)),
      endpoint_(std::move(endpoint)),
      search_(std::move(search)),
      finish_(std::move(finish)) {}

void StudyListWalker::fetch_page(const std::string& cursor) {
  // Called through a copy: a fetch may answer at once (client gone), re-entering this walker.
  const FetchFunction fetch = fetch_;
  fetch(study_list_target(endpoint_, list_page_size, cursor),
        [self = shared_from_this()](ExchangeResult result) { self->on_page(std::move(result)); });
}

void StudyListWalker::on_page(ExchangeResult result) {
  if (!is_success(result))
    return done(Kind::failed, to_call_failure(result, std::chrono::system_clock::now()));
  const auto page = parse_study_page(result.body);
  if (!page) {
    return done(Kind::failed,
                unreadable_answer(result, "page " + std::to_string(search_.pages_read() + 1) +
                                              " of the study list is not readable"));
  }
  switch (search_.consume(*page)) {
    case StudySearch::Step::found:
      return done(Kind::found);
    case StudySearch::Step::not_found:
      return done(Kind::not_found);
    case StudySearch::Step::budget_spent: {
      CallFailure note;
      note.error = "read " + std::to_string(search_.pages_read()) +
                   " pages without reaching the time bound; the study may still exist";
      return done(Kind::incomplete, std::move(note));
    }
    case StudySearch::Step::next_page:
      return fetch_page(search_.cursor());
  }
}

void StudyListWalker::done(Kind kind, CallFailure failure) {
  FindStudyOutcome outcome;
  outcome.kind = kind;
  if (kind == Kind::found) outcome.study = search_.match();
  outcome.pages_read = search_.pages_read();
  outcome.failure = std::move(failure);
  auto finish = std::exchange(finish_, nullptr);
  if (finish) finish(std::move(outcome));
}

}  // namespace gw::viewer::detail
