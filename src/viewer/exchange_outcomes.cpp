#include "exchange_outcomes.hpp"

#include <utility>

#include "gateway/viewer/outcome_classifier.hpp"
#include "gateway/viewer/wire_format.hpp"
#include "list_format.hpp"

namespace gw::viewer::detail {
namespace {

ResponseSummary summary_of(const ExchangeResult& result) {
  ResponseSummary summary;
  summary.status = result.status;
  summary.reason = result.reason;
  if (result.retry_after) summary.retry_after = *result.retry_after;
  summary.body = result.body;
  return summary;
}

std::string status_text(const ExchangeResult& result) {
  std::string text = "HTTP " + std::to_string(result.status);
  if (!result.reason.empty()) text += " " + truncate_utf8(result.reason, 100);
  return text;
}

}  // namespace

CreateOutcome to_create_outcome(const ExchangeResult& result,
                                std::chrono::system_clock::time_point now) {
  if (!result.has_response()) {
    CreateOutcome outcome;
    outcome.kind = CreateOutcome::Kind::transient;
    outcome.error = result.transport_error;
    return outcome;
  }
  return classify_response(summary_of(result), now);
}

CallFailure to_call_failure(const ExchangeResult& result,
                            std::chrono::system_clock::time_point now) {
  CallFailure failure;
  if (!result.has_response()) {
    failure.kind = FailureKind::transient;
    failure.error = result.transport_error;
    return failure;
  }
  failure.http_status = result.status;
  failure.response_body = truncate_utf8(result.body);
  if (result.retry_after) failure.retry_after = parse_retry_after(*result.retry_after, now);
  failure.error = status_text(result);
  // One table for every call: a read is refused for the same reasons a create is.
  switch (classify_status(result.status)) {
    case CreateOutcome::Kind::unauthorized:
      failure.kind = FailureKind::unauthorized;
      failure.error += ": the API key was refused";
      break;
    case CreateOutcome::Kind::permanent:
    case CreateOutcome::Kind::already_registered:  // 409 on a read is no verdict on a study
      failure.kind = FailureKind::permanent;
      break;
    case CreateOutcome::Kind::created:  // callers handle 2xx first; be safe anyway
    case CreateOutcome::Kind::transient:
      failure.kind = FailureKind::transient;
      break;
  }
  return failure;
}

CallFailure unreadable_answer(const ExchangeResult& result, std::string what) {
  // A 2xx we cannot read is a vendor change, not a hiccup: retrying gives the same bytes, and
  // guessing "not found" from it could register a study twice.
  CallFailure failure;
  failure.kind = FailureKind::permanent;
  failure.http_status = result.status;
  failure.error = status_text(result) + ": " + what;
  failure.response_body = truncate_utf8(result.body);
  return failure;
}

GetStudyOutcome to_get_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now) {
  GetStudyOutcome outcome;
  if (result.has_response() && result.status == 404) {
    outcome.kind = GetStudyOutcome::Kind::not_found;
    return outcome;
  }
  if (!is_success(result)) {
    outcome.failure = to_call_failure(result, now);
    return outcome;
  }
  auto study = parse_study(result.body);
  if (!study) {
    outcome.failure = unreadable_answer(result, "the response is not a study object");
    return outcome;
  }
  outcome.kind = GetStudyOutcome::Kind::found;
  outcome.study = std::move(*study);
  return outcome;
}

}  // namespace gw::viewer::detail
