// The lifecycle table: every state against every event, and the rules that make "exactly
// once" hold (a request that may have reached the viewer is always looked up first; an
// operator never acts on a study whose request may be on the wire).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "gateway/domain/study_lifecycle.hpp"

namespace {

using namespace gw::domain;
using E = EventKind;
using S = StudyState;

constexpr TimestampMs kNow = 50'000;

StudySnapshot in(S state, bool lookup_first = false) {
  StudySnapshot s;
  s.state = state;
  s.attempts = 1;
  s.lookup_first = lookup_first;
  s.first_seen = kNow - 10'000;
  return s;
}

boost::system::result<Transition> on(E kind, const StudySnapshot& study,
                                     const LifecyclePolicy& policy = {}) {
  LifecycleEvent event;
  event.kind = kind;
  event.resume_at = kNow + 300'000;
  return decide(event, study, policy, kNow);
}

// The whole table, written out: a change to decide() must change this table on purpose.
// Key: (from, event) → to; absent pairs are refused.
const std::map<std::pair<S, E>, S> kAllowed = {
    {{S::receiving, E::routed_register}, S::pending},
    {{S::receiving, E::routed_ignore}, S::ignored},
    {{S::receiving, E::operator_forget}, S::receiving},
    {{S::pending, E::claimed}, S::in_flight},
    {{S::pending, E::auth_resumed}, S::pending},
    {{S::pending, E::operator_resend}, S::pending},
    {{S::pending, E::operator_forget}, S::pending},
    {{S::in_flight, E::released_unsent}, S::pending},
    {{S::in_flight, E::created}, S::registered},
    {{S::in_flight, E::adopted}, S::registered},
    {{S::in_flight, E::lookup_not_found}, S::in_flight},
    {{S::in_flight, E::failed_transient}, S::pending},
    {{S::in_flight, E::failed_auth}, S::pending},
    {{S::in_flight, E::failed_permanent}, S::failed},
    {{S::in_flight, E::cancelled_by_stop}, S::in_flight},
    {{S::in_flight, E::crash_recovered}, S::pending},
    {{S::registered, E::operator_resend}, S::pending},
    {{S::registered, E::operator_forget}, S::registered},
    {{S::failed, E::operator_retry}, S::pending},
    {{S::failed, E::operator_resend}, S::pending},
    {{S::failed, E::operator_forget}, S::failed},
    {{S::ignored, E::operator_resend}, S::pending},
    {{S::ignored, E::operator_forget}, S::ignored},
};

TEST(StudyLifecycle, EveryStateAgainstEveryEventFollowsTheTable) {
  int checked = 0;
  for (std::size_t s = 0; s < kStudyStateCount; ++s) {
    for (std::size_t e = 0; e < kEventKindCount; ++e) {
      const S from = static_cast<S>(s);
      const E event = static_cast<E>(e);
      const auto decided = on(event, in(from, event == E::lookup_not_found));
      const auto row = kAllowed.find({from, event});
      if (row == kAllowed.end()) {
        EXPECT_FALSE(decided) << to_string(from) << " + " << to_string(event) << " must be refused";
      } else {
        ASSERT_TRUE(decided) << to_string(from) << " + " << to_string(event) << ": "
                             << decided.error().message();
        EXPECT_EQ(decided->to, row->second) << to_string(from) << " + " << to_string(event);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 96);
  EXPECT_EQ(transition_table().size(), 96u) << "the published table covers every pair too";
}

TEST(StudyLifecycle, ARequestThatMayHaveReachedTheViewerIsLookedUpBeforeTheNextAttempt) {
  LifecycleEvent timeout{E::failed_transient};
  timeout.maybe_created = true;
  const auto after_timeout = decide(timeout, in(S::in_flight), {}, kNow);
  ASSERT_TRUE(after_timeout);
  EXPECT_EQ(after_timeout->to, S::pending);
  EXPECT_EQ(after_timeout->lookup_first, true) << "a slow API that created the study is asked first";

  const auto refused = decide({E::failed_transient}, in(S::in_flight), {}, kNow);
  EXPECT_FALSE(refused->lookup_first.value_or(false)) << "a connection refused created nothing";
  const auto still = decide({E::failed_transient}, in(S::in_flight, true), {}, kNow);
  EXPECT_EQ(still->lookup_first, true) << "a failed lookup leaves the lookup to do";

  const auto crash = on(E::crash_recovered, in(S::in_flight));
  EXPECT_EQ(crash->lookup_first, true);
  EXPECT_EQ(crash->next_attempt, kNow);
}

TEST(StudyLifecycle, AStopLeavesAnInFlightStudyExactlyAsACrashDoes) {
  const auto stop = on(E::cancelled_by_stop, in(S::in_flight));
  ASSERT_TRUE(stop);
  EXPECT_FALSE(stop->write) << "nothing is written: the next start recovers it like a crash";
  EXPECT_EQ(stop->to, S::in_flight);
}

TEST(StudyLifecycle, ALateOutcomeForAClaimAnotherNodeAdoptedIsDropped) {
  // Three gateways on one state: node A's lease ran out while its request was slow, node B
  // adopted the study and claimed it again. A's answer must not end B's claim.
  StudySnapshot held_by_b = in(S::in_flight);
  held_by_b.claimed_elsewhere = true;
  for (E outcome : {E::created, E::adopted, E::lookup_not_found, E::failed_transient,
                    E::failed_auth, E::failed_permanent, E::cancelled_by_stop,
                    E::released_unsent}) {
    const auto decided = on(outcome, held_by_b);
    ASSERT_FALSE(decided) << to_string(outcome);
    EXPECT_EQ(decided.error(), make_error_code(lifecycle_errc::claim_taken_over));
  }
  // An expired claim of another node is taken over by lookup, as after a crash.
  const auto adopted = on(E::crash_recovered, held_by_b);
  ASSERT_TRUE(adopted);
  EXPECT_EQ(adopted->to, S::pending);
  EXPECT_EQ(adopted->lookup_first, true);
}

TEST(StudyLifecycle, OperatorActionsNeverRaceARequestOnTheWire) {
  for (E op : {E::operator_retry, E::operator_resend, E::operator_forget}) {
    const auto decided = on(op, in(S::in_flight));
    ASSERT_FALSE(decided) << to_string(op);
    EXPECT_EQ(decided.error(), make_error_code(lifecycle_errc::request_in_flight));
    EXPECT_NE(decided.error().message().find("on the wire"), std::string::npos)
        << "the operator reads why: " << decided.error().message();
  }
  EXPECT_EQ(on(E::operator_resend, in(S::receiving)).error(),
            make_error_code(lifecycle_errc::not_routed_yet));
}

TEST(StudyLifecycle, ResendIsANewRegistrationAndRetryTheSameOne) {
  const auto resend = on(E::operator_resend, in(S::registered, true));
  EXPECT_TRUE(resend->new_registration);
  EXPECT_EQ(resend->lookup_first, false) << "nothing is adopted from the old registration";
  EXPECT_EQ(resend->next_attempt, kNow);
  const auto retry = on(E::operator_retry, in(S::failed, true));
  EXPECT_FALSE(retry->new_registration);
  EXPECT_FALSE(retry->lookup_first.has_value()) << "a pending lookup survives a retry";
  EXPECT_TRUE(on(E::operator_forget, in(S::registered))->remove);
}

TEST(StudyLifecycle, BackoffHonoursRetryAfterAndGiveUpAfterEndsInFailedWithTheLookupKept) {
  LifecycleEvent busy{E::failed_transient};
  busy.retry_after = std::chrono::seconds(30);
  EXPECT_EQ(decide(busy, in(S::in_flight), {}, kNow)->next_attempt, kNow + 30'000);

  LifecyclePolicy give_up;
  give_up.give_up_after = std::chrono::seconds(5);
  busy.maybe_created = true;
  const auto gave_up = decide(busy, in(S::in_flight), give_up, kNow);
  EXPECT_EQ(gave_up->to, S::failed);
  EXPECT_TRUE(gave_up->gave_up);
  EXPECT_EQ(gave_up->lookup_first, true) << "`studies retry` later still asks the viewer first";
}

TEST(StudyLifecycle, ALookupAnswerNeedsAStudyMarkedForALookup) {
  EXPECT_FALSE(on(E::lookup_not_found, in(S::in_flight, false)));
  EXPECT_EQ(on(E::lookup_not_found, in(S::in_flight, true))->lookup_first, false);
}

TEST(StudyLifecycle, TheDeliveryPageShowsTheTableThatTheCodeHas) {
  std::ifstream page(GW_SOURCE_DIR "/docs/delivery.md");
  ASSERT_TRUE(page) << "docs/delivery.md";
  std::stringstream text;
  text << page.rdbuf();
  EXPECT_NE(text.str().find(transition_table_markdown()), std::string::npos)
      << "docs/delivery.md must contain, verbatim, the table that "
         "`transition_table_markdown()` prints (tests/domain: print_lifecycle_table):\n"
      << transition_table_markdown();
}

}  // namespace
