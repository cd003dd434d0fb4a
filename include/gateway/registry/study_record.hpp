#pragma once
// One study as the registry knows it: plain values, no SQLite.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::registry {

/// Where a study is on its way to the viewer.
///   [receiving →] pending → in_flight → registered; failed waits for an operator; ignored by
///   a rule. `receiving` (registration.trigger: study_stable) waits for the study to go quiet
///   before it is routed.
enum class StudyState { pending, in_flight, registered, failed, ignored, receiving };

std::string_view to_string(StudyState s) noexcept;
std::optional<StudyState> parse_study_state(std::string_view text) noexcept;

/// Milliseconds since the Unix epoch; the registry stores wall-clock times.
using TimestampMs = std::int64_t;

struct StudyRecord {
  std::string study_instance_uid;
  StudyState state = StudyState::pending;
  std::string rule_name;
  std::string request_body;     // the JSON create body, fixed when the study was routed
  std::string idempotency_key;  // stable across every retry of this registration
  int attempts = 0;
  std::string last_error;       // empty when none; never holds the API key
  std::string study_id;         // "stu_…" once registered
  TimestampMs first_seen = 0;
  TimestampMs last_instance = 0;
  TimestampMs next_attempt = 0;  // when a pending study may be sent again
  TimestampMs updated = 0;
  std::int64_t instances = 0;
  std::int64_t bytes = 0;
  // A request for this study was on the wire when a gateway process died: the viewer may
  // have created it. Look it up in the viewer's list before creating it again.
  bool lookup_first = false;
  TimestampMs first_attempt = 0;  // when the first request started (0: never sent)
  std::int64_t series = 0;        // distinct SeriesInstanceUIDs among the instances
  std::string modalities;         // distinct Modality values, '\\'-joined in arrival order
  std::string facts_json;         // receiving only: the first instance's facts, to route later
};

/// One registration attempt as the history keeps it (`studies show`).
struct Attempt {
  TimestampMs at = 0;          // when the answer (or the failure) came
  std::string outcome;         // created, already_registered, transient, unauthorized, permanent
  int http_status = 0;         // 0 when no HTTP answer was read
  std::string error;           // short reason; empty on success
  std::int64_t duration_ms = 0;
};

}  // namespace gw::registry
