#pragma once
// The life of a study on its way to the viewer: its states, the events that move it, the
// table of allowed transitions, and decide(), the one place that says what an event does.
// Every state change in the program (dispatcher, start-up recovery, operator commands) goes
// through decide(); the registry only writes what it returns. Plain values, no I/O.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "gateway/domain/retry_policy.hpp"

namespace gw::domain {

/// Milliseconds since the Unix epoch (wall clock, as the registry stores it).
using TimestampMs = std::int64_t;

/// Where a study is. The names are stored in the state database: never rename one.
enum class StudyState {
  pending,     // waiting for its next attempt (next_attempt), perhaps to be looked up first
  in_flight,   // claimed: a request may be on the wire; after a stop or crash, looked up first
  registered,  // the viewer holds it (study_id)
  failed,      // an answer said it cannot succeed as it is: waits for an operator
  ignored,     // a rule said so; never sent
  receiving,   // registration.trigger study_stable: waits for the study to go quiet
};
inline constexpr std::size_t kStudyStateCount = 6;

std::string_view to_string(StudyState s) noexcept;
std::optional<StudyState> parse_study_state(std::string_view text) noexcept;

/// What can happen to a study. Each is one row group of the transition table.
enum class EventKind {
  routed_register,    // a quiet `receiving` study was routed to a registration
  routed_ignore,      // ... or to "ignore"
  claimed,            // the dispatcher took it for a slot (an attempt starts)
  released_unsent,    // a claim given back at a stop before its request was written
  created,            // the viewer answered 2xx or 409: it holds the study
  adopted,            // a by-uid lookup found it: the earlier request did create it
  lookup_not_found,   // a by-uid lookup answered 404: create it now, same slot
  failed_transient,   // no answer, or a transient one: try again after a backoff
  failed_auth,        // 401/403: the key is refused; wait for the pause to end
  failed_permanent,   // another 4xx, or an answer that cannot be read
  cancelled_by_stop,  // the process stopped while a request was on the wire
  crash_recovered,    // start-up found it in_flight (a stop or a crash before)
  auth_resumed,       // the key was replaced: a study waiting for the pause is due now
  operator_retry,     // `studies retry`: failed → the same registration again
  operator_resend,    // `studies resend`: a new registration, by decision
  operator_forget,    // `studies forget`: rows and spooled files go
};
inline constexpr std::size_t kEventKindCount = 16;

std::string_view to_string(EventKind e) noexcept;

/// An event and what the caller learned with it. Value type.
struct LifecycleEvent {
  EventKind kind = EventKind::claimed;
  // failed_transient: the request may have reached the viewer (timeout or reset after the
  // write began, a 500): the next attempt asks by-uid first.
  bool maybe_created = false;
  // failed_transient: the server's Retry-After, when it sent one.
  std::optional<std::chrono::milliseconds> retry_after{};
  // failed_transient: uniform in [0, 1), the backoff's jitter (drawn by the caller, so that
  // decide() stays a pure function and a simulation replays exactly).
  double jitter = 0.5;
  // failed_auth: when the authentication pause ends.
  TimestampMs resume_at = 0;
  // created, adopted: the viewer's receipt ("stu_…"; may be empty on a 409 without a body).
  std::string study_id{};
};

/// The parts of a study's row that decide() reads. Value type.
struct StudySnapshot {
  StudyState state = StudyState::pending;
  int attempts = 0;  // attempts started (counted when claimed)
  bool lookup_first = false;
  TimestampMs first_seen = 0;
  TimestampMs next_attempt = 0;
  // in_flight under another node's claim (several gateways on one PostgreSQL state): only
  // that node's outcomes, or an adoption once its lease ran out, may end the claim.
  bool claimed_elsewhere = false;
};

/// The settings decide() needs. Value type.
struct LifecyclePolicy {
  RetryPolicy retry;
  std::chrono::milliseconds give_up_after{0};  // 0: retry transient failures forever
};

/// What an event does to a study's row. Fields left empty keep their value. Value type.
struct Transition {
  StudyState to = StudyState::pending;
  bool write = true;                  // false: nothing changes (the row stays as it is)
  bool remove = false;                // operator_forget: the study's rows and files go
  std::optional<TimestampMs> next_attempt;
  std::optional<bool> lookup_first;
  int attempts_delta = 0;             // +1 when an attempt starts, -1 when a claim is given back
  bool new_registration = false;      // resend: new idempotency key, attempts and history of
                                      // the old one no longer count, study_id cleared
  bool gave_up = false;               // failed_transient past give_up_after
};

/// Why an event was refused. Registered as a boost::system error category.
enum class lifecycle_errc {
  illegal_transition = 1,  // the table has no row for this state and event
  request_in_flight,       // an operator action on a study whose request may be on the wire
  not_routed_yet,          // an operator action on a study still `receiving`
  no_such_study,           // the registry does not know the study
  claim_taken_over,        // an outcome for a claim that another node holds now (a fleet)
};
const boost::system::error_category& lifecycle_category() noexcept;
boost::system::error_code make_error_code(lifecycle_errc e) noexcept;

/// The lifecycle's one rule: what `event` does to a study in `study` at `now`, or why it may
/// not happen. Pure: same inputs, same answer.
boost::system::result<Transition> decide(const LifecycleEvent& event, const StudySnapshot& study,
                                         const LifecyclePolicy& policy, TimestampMs now);

/// One row of the transition table: from a state, on an event, to a state (or refused).
struct TableRow {
  StudyState from;
  EventKind event;
  std::optional<StudyState> to;  // nullopt: refused
  std::string note;              // what else happens (lookup_first, backoff, new key, …)
  std::optional<lifecycle_errc> refusal;
};

/// Every state against every event, as decide() answers with default inputs: the table that
/// docs/delivery.md shows and the tests check.
std::vector<TableRow> transition_table();

/// The table as Markdown (states down, events across is too wide: one line per allowed row,
/// then the refusals grouped).
std::string transition_table_markdown();

}  // namespace gw::domain

namespace boost::system {
template <>
struct is_error_code_enum<gw::domain::lifecycle_errc> : std::true_type {};
}  // namespace boost::system
