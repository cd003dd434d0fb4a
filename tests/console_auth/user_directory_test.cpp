#include "user_directory.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "test_hashes.hpp"

namespace gw::console {
namespace {

using namespace std::chrono_literals;
using config::ConsoleRole;
using test::make_hash;

class UserDirectoryTest : public ::testing::Test {
 protected:
  // sha512crypt at its default cost: fast enough for many checks, real crypt all the same.
  UserDirectory directory_{{
      {"alice", ConsoleRole::operator_, make_hash("$6$", "alice-pw")},
      {"bob", ConsoleRole::viewer, make_hash("$y$", "bob-pw")},
  }};
};

TEST_F(UserDirectoryTest, TheRightPasswordYieldsTheUsersNameAndRole) {
  EXPECT_EQ(directory_.authenticate("alice", "alice-pw"),
            (Principal{"alice", ConsoleRole::operator_}));
  EXPECT_EQ(directory_.authenticate("bob", "bob-pw"), (Principal{"bob", ConsoleRole::viewer}));
}

TEST_F(UserDirectoryTest, AWrongPasswordFails) {
  EXPECT_EQ(directory_.authenticate("alice", "bob-pw"), std::nullopt);
}

TEST_F(UserDirectoryTest, AnUnknownUserFailsEvenWithAnotherUsersPassword) {
  EXPECT_EQ(directory_.authenticate("mallory", "alice-pw"), std::nullopt);
  EXPECT_EQ(directory_.authenticate("", "alice-pw"), std::nullopt);
}

TEST_F(UserDirectoryTest, NamesAreCaseSensitive) {
  EXPECT_EQ(directory_.authenticate("Alice", "alice-pw"), std::nullopt);
  EXPECT_EQ(directory_.find("ALICE"), std::nullopt);
}

TEST_F(UserDirectoryTest, FindReportsTheCurrentRoleWithoutAPassword) {
  EXPECT_EQ(directory_.find("bob"), (Principal{"bob", ConsoleRole::viewer}));
  EXPECT_EQ(directory_.find("nobody"), std::nullopt);
}

TEST_F(UserDirectoryTest, AReloadRemovesAndDemotesUsersAtOnce) {
  directory_.replace({{"alice", ConsoleRole::viewer, make_hash("$6$", "new-pw")}});
  EXPECT_EQ(directory_.find("alice"), (Principal{"alice", ConsoleRole::viewer}));
  EXPECT_EQ(directory_.find("bob"), std::nullopt);
  EXPECT_EQ(directory_.authenticate("alice", "alice-pw"), std::nullopt);
  EXPECT_EQ(directory_.authenticate("alice", "new-pw"), (Principal{"alice", ConsoleRole::viewer}));
  EXPECT_EQ(directory_.size(), 1u);
}

TEST(UserDirectoryEmpty, AnEmptyDirectoryAuthenticatesNoOne) {
  UserDirectory directory;
  EXPECT_EQ(directory.authenticate("alice", "x"), std::nullopt);
  EXPECT_EQ(directory.find("alice"), std::nullopt);
  EXPECT_EQ(directory.size(), 0u);
}

TEST(UserDirectoryEmpty, AUserWithAWeakHashCannotLogIn) {
  UserDirectory directory({{"old", ConsoleRole::operator_, make_hash("$1$", "pw")}});
  EXPECT_EQ(directory.authenticate("old", "pw"), std::nullopt);
}

// A lookup that skipped hashing for unknown names would answer in microseconds; yescrypt at
// its default cost takes milliseconds. A loaded machine only makes the measured time longer.
std::chrono::nanoseconds time_of(const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::steady_clock::now() - start;
}

TEST(UserDirectoryTiming, AnUnknownNameStillCostsAHashComputation) {
  UserDirectory directory({{"alice", ConsoleRole::viewer, make_hash("$y$", "pw")}});
  EXPECT_GE(time_of([&] { (void)directory.authenticate("mallory", "pw"); }), 2ms);
}

TEST(UserDirectoryTiming, AnUnknownNameInAnEmptyDirectoryStillCostsAHashComputation) {
  UserDirectory directory;
  EXPECT_GE(time_of([&] { (void)directory.authenticate("mallory", "pw"); }), 2ms);
}

TEST(UserDirectoryConcurrency, LoginsDuringReloadsSeeEitherTheOldOrTheNewUsers) {
  const std::string hash = make_hash("$5$", "pw");
  UserDirectory directory({{"alice", ConsoleRole::viewer, hash}});
  std::atomic<bool> logging_in{false};
  std::atomic<bool> stop{false};
  std::thread reloader([&] {
    // The reloads start once logins do: on a loaded machine the 200 reloads could otherwise
    // all be over before the first login.
    while (!logging_in) std::this_thread::yield();
    for (int i = 0; i < 200; ++i) {
      const auto role = (i % 2 == 0) ? ConsoleRole::operator_ : ConsoleRole::viewer;
      directory.replace({{"alice", role, hash}});
    }
    stop = true;
  });
  int logins = 0;
  do {
    const auto principal = directory.authenticate("alice", "pw");
    logging_in = true;
    EXPECT_TRUE(principal.has_value()) << "a login during a reload found no user";
    if (principal) {
      EXPECT_EQ(principal->name, "alice");
    }
    ++logins;
  } while (!stop);
  reloader.join();
  EXPECT_GE(logins, 1);
}

}  // namespace
}  // namespace gw::console
