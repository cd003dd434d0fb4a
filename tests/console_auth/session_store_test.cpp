#include "session_store.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gw::console {
namespace {

using namespace std::chrono_literals;
using config::ConsoleRole;

const Principal alice{"alice", ConsoleRole::operator_};
const Principal bob{"bob", ConsoleRole::viewer};

class SessionStoreTest : public ::testing::Test {
 protected:
  SessionStore::TimePoint t0_ = SessionStore::TimePoint{} + 1000h;  // any fixed instant
  SessionStore store_{30min, 12h, 3};
};

TEST_F(SessionStoreTest, ANewSessionHasTwoDistinctUrlSafeTokensAndTheUser) {
  const Session session = store_.create(alice, t0_);
  EXPECT_EQ(session.token.size(), 43u);
  EXPECT_EQ(session.csrf_token.size(), 43u);
  EXPECT_NE(session.token, session.csrf_token);
  EXPECT_EQ(session.token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(session.user, alice);
  EXPECT_EQ(session.expires, t0_ + 30min);
}

TEST_F(SessionStoreTest, TokensDoNotRepeat) {
  SessionStore big{30min, 12h, 1000};
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const Session session = big.create(alice, t0_);
    EXPECT_TRUE(seen.insert(session.token).second);
    EXPECT_TRUE(seen.insert(session.csrf_token).second);
  }
}

TEST_F(SessionStoreTest, FindReturnsTheSessionAndRenewsItsIdleLimit) {
  const Session created = store_.create(alice, t0_);
  const auto found = store_.find(created.token, t0_ + 20min);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user, alice);
  EXPECT_EQ(found->csrf_token, created.csrf_token);
  EXPECT_EQ(found->expires, t0_ + 50min);
  // Alive at 45 min only because the use at 20 min renewed it.
  EXPECT_TRUE(store_.find(created.token, t0_ + 45min).has_value());
}

TEST_F(SessionStoreTest, ASessionUnusedForTheIdleLimitEnds) {
  const Session created = store_.create(alice, t0_);
  EXPECT_TRUE(store_.find(created.token, t0_ + 30min - 1ms).has_value());
  EXPECT_FALSE(store_.find(created.token, t0_ + 60min).has_value());
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(SessionStoreTest, ASessionEndsAtTheMaxAgeHoweverOftenItIsUsed) {
  const Session created = store_.create(alice, t0_);
  auto now = t0_;
  while (now + 20min < t0_ + 12h) {
    now += 20min;
    ASSERT_TRUE(store_.find(created.token, now).has_value());
  }
  const auto last = store_.find(created.token, now);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->expires, t0_ + 12h);  // the max limit, not now + idle
  EXPECT_FALSE(store_.find(created.token, t0_ + 12h).has_value());
}

TEST_F(SessionStoreTest, AnUnknownTokenFindsNothing) {
  store_.create(alice, t0_);
  EXPECT_FALSE(store_.find("not-a-token", t0_).has_value());
  EXPECT_FALSE(store_.find("", t0_).has_value());
}

TEST_F(SessionStoreTest, RemoveEndsASessionAndIgnoresUnknownTokens) {
  const Session a = store_.create(alice, t0_);
  const Session b = store_.create(bob, t0_);
  store_.remove(a.token);
  store_.remove("unknown");
  EXPECT_FALSE(store_.find(a.token, t0_).has_value());
  EXPECT_TRUE(store_.find(b.token, t0_).has_value());
}

TEST_F(SessionStoreTest, TheCsrfCheckAcceptsOnlyTheSessionsOwnToken) {
  const Session a = store_.create(alice, t0_);
  const Session b = store_.create(bob, t0_);
  EXPECT_TRUE(SessionStore::check_csrf(a, a.csrf_token));
  EXPECT_FALSE(SessionStore::check_csrf(a, b.csrf_token));
  EXPECT_FALSE(SessionStore::check_csrf(a, a.token));
  EXPECT_FALSE(SessionStore::check_csrf(a, ""));
  EXPECT_FALSE(SessionStore::check_csrf(a, a.csrf_token.substr(1)));
  EXPECT_FALSE(SessionStore::check_csrf(a, a.csrf_token + "x"));
  Session empty = a;
  empty.csrf_token.clear();
  EXPECT_FALSE(SessionStore::check_csrf(empty, ""));
}

TEST_F(SessionStoreTest, WhenFullTheLeastRecentlyUsedSessionIsDropped) {
  const Session first = store_.create(alice, t0_);
  const Session second = store_.create(alice, t0_ + 1s);
  const Session third = store_.create(bob, t0_ + 2s);
  ASSERT_TRUE(store_.find(first.token, t0_ + 3s).has_value());  // now second is the stalest
  const Session fourth = store_.create(bob, t0_ + 4s);
  EXPECT_EQ(store_.size(), 3u);
  EXPECT_FALSE(store_.find(second.token, t0_ + 5s).has_value());
  EXPECT_TRUE(store_.find(first.token, t0_ + 5s).has_value());
  EXPECT_TRUE(store_.find(third.token, t0_ + 5s).has_value());
  EXPECT_TRUE(store_.find(fourth.token, t0_ + 5s).has_value());
}

TEST_F(SessionStoreTest, WhenFullAnExpiredSessionGoesBeforeALiveOneEvenIfUsedMoreRecently) {
  SessionStore store{30min, 35min, 3};
  const Session live_a = store.create(alice, t0_ + 20min);
  const Session live_b = store.create(bob, t0_ + 21min);
  const Session old_one = store.create(alice, t0_ + 1min);
  ASSERT_TRUE(store.find(old_one.token, t0_ + 30min).has_value());  // the most recently used
  // At 37 min old_one is past its max age (36 min); live_a is the stalest live one.
  const Session fresh = store.create(bob, t0_ + 37min);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_TRUE(store.find(live_a.token, t0_ + 37min).has_value());
  EXPECT_TRUE(store.find(live_b.token, t0_ + 37min).has_value());
  EXPECT_TRUE(store.find(fresh.token, t0_ + 37min).has_value());
  EXPECT_FALSE(store.find(old_one.token, t0_ + 37min).has_value());
}

TEST_F(SessionStoreTest, RetainUsersEndsTheSessionsOfUsersNoLongerConfigured) {
  const Session a = store_.create(alice, t0_);
  const Session b = store_.create(bob, t0_);
  store_.retain_users([](std::string_view name) { return name == "alice"; });
  EXPECT_TRUE(store_.find(a.token, t0_).has_value());
  EXPECT_FALSE(store_.find(b.token, t0_).has_value());
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(SessionStoreTest, ACallerWithAnOlderClockReadingDoesNotShortenTheSession) {
  const Session created = store_.create(alice, t0_);
  ASSERT_TRUE(store_.find(created.token, t0_ + 20min).has_value());
  const auto late = store_.find(created.token, t0_ + 10min);
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->expires, t0_ + 50min);
}

}  // namespace
}  // namespace gw::console
