#include "registration_outcome.hpp"

#include "gateway/log/log.hpp"
#include "gateway/metrics/gateway_metrics.hpp"

namespace gw::app {
namespace {

using Kind = viewer::CreateOutcome::Kind;
using domain::EventKind;

std::string_view outcome_name(Kind kind) {
  switch (kind) {
    case Kind::created: return "created";
    case Kind::already_registered: return "already_registered";
    case Kind::transient: return "transient";
    case Kind::unauthorized: return "unauthorized";
    case Kind::permanent: return "permanent";
  }
  return "transient";
}

}  // namespace

std::string describe(const viewer::CreateOutcome& outcome) {
  const std::string status = outcome.http_status ? "HTTP " + std::to_string(outcome.http_status) : "";
  // The client's own text may name the status already ("HTTP 422 Unprocessable Entity").
  if (outcome.error.starts_with(status) && !status.empty()) return outcome.error;
  if (outcome.error.empty()) return status;
  return status.empty() ? outcome.error : status + ": " + outcome.error;
}

domain::LifecycleEvent event_for(const viewer::CreateOutcome& outcome, double jitter,
                                 registry::TimestampMs resume_at) {
  domain::LifecycleEvent event;
  switch (outcome.kind) {
    case Kind::created:
    case Kind::already_registered:
      event.kind = EventKind::created;
      event.study_id = outcome.study_id;
      break;
    case Kind::permanent: event.kind = EventKind::failed_permanent; break;
    case Kind::unauthorized:
      event.kind = EventKind::failed_auth;
      event.resume_at = resume_at;
      break;
    case Kind::transient:
      event.kind = EventKind::failed_transient;
      event.maybe_created = outcome.maybe_created;
      event.retry_after = outcome.retry_after;
      event.jitter = jitter;
      break;
  }
  return event;
}

std::string attempt_name(const viewer::CreateOutcome& outcome, std::string_view via) {
  if (via.empty()) return std::string(outcome_name(outcome.kind));
  if (via == "adopted") return "adopted";
  return std::string(via) + "_" + std::string(outcome_name(outcome.kind));
}

void report(const StudyOutcome& o, const domain::Transition& t, metrics::GatewayMetrics& metrics) {
  using domain::StudyState;
  if (t.to == StudyState::registered) {
    metrics.study_registered(static_cast<double>(o.attempt.at) / 1000.0);
    log::info("study_registered")
        .kv("study_uid", o.uid)
        .kv("study_id", o.event.study_id)
        .kv("rule", o.rule)
        .kv("adopted", o.event.kind == EventKind::adopted)
        .kv("duration_ms", o.attempt.duration_ms);
  } else if (t.to == StudyState::failed) {
    log::error("study_failed")
        .kv("study_uid", o.uid)
        .kv("status", o.http_status)
        .kv("reason", (t.gave_up ? "gave up after viewer_api.retry.give_up_after: " : "") + o.reason);
  } else if (o.event.kind == EventKind::failed_auth) {
    if (o.first_refusal) {
      log::error("alarm_api_key_rejected").kv("status", o.http_status).kv("pause_ms", o.pause_s * 1000);
    }
  } else if (t.to == StudyState::pending) {
    log::warning("registration_retry")
        .kv("study_uid", o.uid)
        .kv("retry_in_ms", t.next_attempt ? *t.next_attempt - o.attempt.at : 0)
        .kv("lookup_first", t.lookup_first.value_or(false))
        .kv("reason", o.reason);
  }
}

}  // namespace gw::app
