#pragma once
// What an answer of the Viewer API means for a study's lifecycle, and what is said about it:
// the translation from the viewer's outcome to a lifecycle event, the attempt kept in the
// history, and the log line once the transition is durable. Pure but for the logging.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/domain/study_lifecycle.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/registry/study_record.hpp"
#include "gateway/viewer/viewer_client.hpp"

namespace gw::app {

/// One answer (or failure) for one study, waiting for its transition to be committed.
/// Value type; the dispatcher keeps it until the commit succeeds.
struct StudyOutcome {
  std::string uid;
  std::string rule;
  domain::LifecycleEvent event;
  registry::Attempt attempt;
  int http_status = 0;
  std::string reason;        // for the log; never the response body
  bool first_refusal = false;  // failed_auth: the first 401/403 of a pause (one alarm)
  std::int64_t pause_s = 0;    // failed_auth: the pause's length
};

/// "HTTP 503: reason" from an outcome; never the response body (an API that echoes the
/// request would put the study description into logs and the history).
std::string describe(const viewer::CreateOutcome& outcome);

/// The lifecycle event an answer to a create stands for. `jitter` in [0, 1); `resume_at` is
/// when an authentication pause ends.
domain::LifecycleEvent event_for(const viewer::CreateOutcome& outcome, double jitter,
                                 registry::TimestampMs resume_at);

/// The history's name for an attempt: the outcome, prefixed by `via` ("lookup") or replaced
/// by it ("adopted").
std::string attempt_name(const viewer::CreateOutcome& outcome, std::string_view via);

/// Logs what `transition` did for `outcome`, after its commit; updates the metrics.
void report(const StudyOutcome& outcome, const domain::Transition& transition,
            metrics::GatewayMetrics& metrics);

}  // namespace gw::app
