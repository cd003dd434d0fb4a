#include "exchange_outcomes.hpp"

#include <optional>

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

namespace {

/// The one shape of every single-object read: 404 is not_found, another failure is failed, a
/// 2xx is parsed (`parse` answers nullopt when it cannot: `what` says what was expected) and
/// found. `Value Outcome::*member` receives the parsed value.
template <typename Outcome, typename Value, typename Parse>
Outcome one_object(const ExchangeResult& result, std::chrono::system_clock::time_point now,
                   Value Outcome::*member, Parse parse, const char* what) {
  Outcome outcome;
  if (result.has_response() && result.status == 404) {
    outcome.kind = Outcome::Kind::not_found;
    return outcome;
  }
  if (!is_success(result)) {
    outcome.failure = to_call_failure(result, now);
    return outcome;
  }
  std::optional<Value> parsed = parse(result.body);
  if (!parsed) {
    outcome.failure = unreadable_answer(result, what);
    return outcome;
  }
  outcome.kind = Outcome::Kind::found;
  outcome.*member = std::move(*parsed);
  return outcome;
}

}  // namespace

GetStudyOutcome to_get_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now) {
  return one_object(result, now, &GetStudyOutcome::study,
                    [](const std::string& body) { return parse_study(body); },
                    "the response is not a study object");
}

FindStudyOutcome to_find_outcome(const ExchangeResult& result, std::string_view study_instance_uid,
                                 std::chrono::system_clock::time_point now) {
  FindStudyOutcome outcome = one_object(
      result, now, &FindStudyOutcome::study,
      [](const std::string& body) { return parse_study(body); },
      "the response is not a study object");
  // Adopting another study's id would mark this one registered while it is not.
  if (outcome.kind == FindStudyOutcome::Kind::found &&
      outcome.study.study_instance_uid != study_instance_uid) {
    outcome = {};
    outcome.failure = unreadable_answer(result, "answer names another study");
  }
  return outcome;
}

GetUserOutcome to_user_outcome(const ExchangeResult& result,
                               std::chrono::system_clock::time_point now) {
  return one_object(result, now, &GetUserOutcome::user,
                    [](const std::string& body) { return parse_user(body); },
                    "the response is not a user object");
}

}  // namespace gw::viewer::detail
