#include "gateway/domain/study_lifecycle.hpp"

#include <array>

namespace gw::domain {
namespace {

constexpr std::array<std::string_view, kStudyStateCount> kStateNames = {
    "pending", "in_flight", "registered", "failed", "ignored", "receiving"};

constexpr std::array<std::string_view, kEventKindCount> kEventNames = {
    "routed_register",  "routed_ignore",    "claimed",         "released_unsent",
    "created",          "adopted",          "lookup_not_found", "failed_transient",
    "failed_auth",      "failed_permanent", "cancelled_by_stop", "crash_recovered",
    "auth_resumed",     "operator_retry",   "operator_resend",  "operator_forget"};

class LifecycleCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "study_lifecycle"; }
  std::string message(int value) const override {
    switch (static_cast<lifecycle_errc>(value)) {
      case lifecycle_errc::illegal_transition: return "not allowed in the study's state";
      case lifecycle_errc::request_in_flight:
        return "a registration request for this study may be on the wire; try again once its "
               "attempt has ended (`studies show UID`)";
      case lifecycle_errc::not_routed_yet:
        return "the study is still receiving and has not been routed yet";
      case lifecycle_errc::no_such_study: return "no such study";
      case lifecycle_errc::claim_taken_over:
        return "another node holds this study's claim now (this node's lease ran out): its "
               "outcome is not this node's to write";
    }
    return "unknown lifecycle error";
  }
};

Transition to(StudyState state) {
  Transition t;
  t.to = state;
  return t;
}

using Result = boost::system::result<Transition>;

// Operator actions share their refusals: never while a request may be on the wire (two POSTs
// for one study could create it twice), never before the study has a decision to send.
std::optional<lifecycle_errc> operator_refusal(StudyState from) {
  if (from == StudyState::in_flight) return lifecycle_errc::request_in_flight;
  if (from == StudyState::receiving) return lifecycle_errc::not_routed_yet;
  return std::nullopt;
}

Result after_transient(const LifecycleEvent& event, const StudySnapshot& study,
                       const LifecyclePolicy& policy, TimestampMs now) {
  // A request that may have reached the viewer makes the next attempt a lookup: the viewer
  // documents no idempotency, so a blind retry could create the study twice.
  const bool lookup = study.lookup_first || event.maybe_created;
  if (policy.give_up_after.count() > 0 && now - study.first_seen >= policy.give_up_after.count()) {
    Transition t = to(StudyState::failed);
    if (lookup) t.lookup_first = true;
    t.gave_up = true;
    return t;
  }
  Transition t = to(StudyState::pending);
  t.next_attempt = now + policy.retry.delay(study.attempts, event.retry_after, event.jitter).count();
  if (lookup) t.lookup_first = true;
  return t;
}

Result from_in_flight(const LifecycleEvent& event, const StudySnapshot& study,
                      const LifecyclePolicy& policy, TimestampMs now) {
  using E = EventKind;
  switch (event.kind) {
    case E::released_unsent: {
      Transition t = to(StudyState::pending);
      t.attempts_delta = -1;
      return t;
    }
    case E::created:
    case E::adopted: {
      Transition t = to(StudyState::registered);
      t.lookup_first = false;
      return t;
    }
    case E::lookup_not_found: {
      if (!study.lookup_first) return lifecycle_errc::illegal_transition;
      Transition t = to(StudyState::in_flight);
      t.lookup_first = false;
      return t;
    }
    case E::failed_transient: return after_transient(event, study, policy, now);
    case E::failed_auth: {
      Transition t = to(StudyState::pending);
      t.next_attempt = event.resume_at;
      return t;
    }
    case E::failed_permanent: return to(StudyState::failed);
    case E::cancelled_by_stop: {
      // Left as a crash leaves it: the next start looks it up before sending again.
      Transition t = to(StudyState::in_flight);
      t.write = false;
      return t;
    }
    case E::crash_recovered: {
      Transition t = to(StudyState::pending);
      t.next_attempt = now;
      t.lookup_first = true;
      return t;
    }
    default: return lifecycle_errc::illegal_transition;
  }
}

Result operator_action(const LifecycleEvent& event, const StudySnapshot& study, TimestampMs now) {
  using E = EventKind;
  if (const auto refusal = operator_refusal(study.state);
      refusal && !(event.kind == E::operator_forget && study.state == StudyState::receiving)) {
    return *refusal;
  }
  switch (event.kind) {
    case E::operator_retry: {
      if (study.state != StudyState::failed) return lifecycle_errc::illegal_transition;
      Transition t = to(StudyState::pending);
      t.next_attempt = now;
      return t;
    }
    case E::operator_resend: {
      Transition t = to(StudyState::pending);
      t.next_attempt = now;
      t.lookup_first = false;
      t.new_registration = true;
      return t;
    }
    default: {  // operator_forget
      Transition t = to(study.state);
      t.remove = true;
      return t;
    }
  }
}

}  // namespace

std::string_view to_string(StudyState s) noexcept { return kStateNames[static_cast<std::size_t>(s)]; }

std::optional<StudyState> parse_study_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == text) return static_cast<StudyState>(i);
  }
  return std::nullopt;
}

std::string_view to_string(EventKind e) noexcept { return kEventNames[static_cast<std::size_t>(e)]; }

const boost::system::error_category& lifecycle_category() noexcept {
  static const LifecycleCategory category;
  return category;
}

boost::system::error_code make_error_code(lifecycle_errc e) noexcept {
  return {static_cast<int>(e), lifecycle_category()};
}

boost::system::result<Transition> decide(const LifecycleEvent& event, const StudySnapshot& study,
                                         const LifecyclePolicy& policy, TimestampMs now) {
  using E = EventKind;
  using S = StudyState;
  switch (event.kind) {
    case E::routed_register:
    case E::routed_ignore: {
      if (study.state != S::receiving) return lifecycle_errc::illegal_transition;
      Transition t = to(event.kind == E::routed_register ? S::pending : S::ignored);
      if (event.kind == E::routed_register) t.next_attempt = now;
      return t;
    }
    case E::claimed: {
      if (study.state != S::pending) return lifecycle_errc::illegal_transition;
      Transition t = to(S::in_flight);
      t.attempts_delta = 1;
      return t;
    }
    case E::auth_resumed: {
      if (study.state != S::pending) return lifecycle_errc::illegal_transition;
      Transition t = to(S::pending);
      t.next_attempt = now;
      return t;
    }
    case E::operator_retry:
    case E::operator_resend:
    case E::operator_forget: return operator_action(event, study, now);
    default:
      if (study.state != S::in_flight) return lifecycle_errc::illegal_transition;
      // A node whose lease ran out learns its answer late: the node that adopted the claim
      // (and looks the study up first) owns it now, so the late outcome is dropped.
      if (study.claimed_elsewhere && event.kind != E::crash_recovered) {
        return lifecycle_errc::claim_taken_over;
      }
      return from_in_flight(event, study, policy, now);
  }
}

}  // namespace gw::domain
