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

bool may_have_been_processed(const ExchangeResult& result) noexcept {
  if (!result.has_response()) return result.write_started;
  if (classify_status(result.status) != CreateOutcome::Kind::transient) return false;
  switch (result.status) {
    case 408:  // the server gave up reading the request
    case 425:  // too early: refused before processing
    case 429:  // rate limited: refused before processing
    case 503:  // unavailable: not processed
      return false;
    default:
      return true;  // 500, 502, 504 and anything odd: the request may have been acted on
  }
}

CreateOutcome to_create_outcome(const ExchangeResult& result,
                                std::chrono::system_clock::time_point now) {
  CreateOutcome outcome;
  if (!result.has_response()) {
    outcome.kind = CreateOutcome::Kind::transient;
    outcome.error = result.transport_error;
  } else {
    outcome = classify_response(summary_of(result), now);
  }
  outcome.maybe_created =
      outcome.kind == CreateOutcome::Kind::transient && may_have_been_processed(result);
  return outcome;
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

FindStudyOutcome to_find_outcome(const ExchangeResult& result, std::string_view study_instance_uid,
                                 std::chrono::system_clock::time_point now) {
  FindStudyOutcome outcome;
  if (result.has_response() && result.status == 404) {
    outcome.kind = FindStudyOutcome::Kind::not_found;
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
  // Adopting another study's id would mark this one registered while it is not.
  if (study->study_instance_uid != study_instance_uid) {
    outcome.failure = unreadable_answer(result, "answer names another study");
    return outcome;
  }
  outcome.kind = FindStudyOutcome::Kind::found;
  outcome.study = std::move(*study);
  return outcome;
}

GetUserOutcome to_user_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now) {
  GetUserOutcome outcome;
  if (result.has_response() && result.status == 404) {
    outcome.kind = GetUserOutcome::Kind::not_found;
    return outcome;
  }
  if (!is_success(result)) {
    outcome.failure = to_call_failure(result, now);
    return outcome;
  }
  auto user = parse_user(result.body);
  if (!user) {
    outcome.failure = unreadable_answer(result, "the response is not a user object");
    return outcome;
  }
  outcome.kind = GetUserOutcome::Kind::found;
  outcome.user = std::move(*user);
  return outcome;
}

}  // namespace gw::viewer::detail
