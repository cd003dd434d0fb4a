// The dispatcher's order, its ready queue and its circuit breaker, with a fake viewer that
// answers at once and a real registry: which study is sent when, deterministically.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <sqlite3.h>
#include <time.h>

#include <thread>

#include <functional>
#include <map>

#include "registration_dispatcher.hpp"
#include "temp_dir.hpp"
#include "registry_steps.hpp"

namespace gw::app {
using namespace gw::registry::test;

namespace {

using registry::NewStudy;
using registry::StudyState;

/// Records each create and answers it on the io_context with `answer` (201 by default).
class FakeViewer : public viewer::ViewerClient {
 public:
  explicit FakeViewer(boost::asio::io_context& io) : io_(io) {}
  std::vector<std::string> bodies;
  std::vector<int> outstanding_at_send;  // requests on the wire when each one was sent
  viewer::CreateOutcome answer{viewer::CreateOutcome::Kind::created, 201, "stu_1", "", "", {}};
  std::function<void()> on_create;  // runs as each request is sent
  bool never_answer = false;        // a hung API: requests stay on the wire

  void create_study(std::string body, std::string, CreateHandler handler) override {
    bodies.push_back(body);
    outstanding_at_send.push_back(++outstanding_);
    if (on_create) on_create();
    if (never_answer) return;
    boost::asio::post(io_, [this, handler, a = answer] {
      --outstanding_;
      handler(a);
    });
  }
  void get_study(std::string, GetHandler) override {}
  void find_study(std::string, FindHandler) override {}
  void get_user(std::string, UserHandler) override {}
  void list_customers(CustomersHandler) override {}
  boost::system::error_code set_api_key(std::string) override { return {}; }
  void shutdown() override {}
  void after_started(std::function<void()> then) override { boost::asio::post(io_, then); }

 private:
  boost::asio::io_context& io_;
  int outstanding_ = 0;
};

class DispatchOrder : public testing::Test {
 protected:
  void add_study(const std::string& uid, registry::TimestampMs first_seen) {
    record(*registry_, {uid, uid + ".1", 10, first_seen},
                               [&] { return NewStudy{StudyState::pending, "r", uid, {}}; });
  }
  /// Runs the dispatcher until nothing is left to do (the 1 s idle poll ends it).
  void drain(DispatchSettings settings) {
    auto dispatcher = std::make_shared<RegistrationDispatcher>(io_, *registry_, viewer_, settings);
    dispatcher->start();
    io_.run_for(std::chrono::milliseconds(300));
    dispatcher->stop();
    io_.run_for(std::chrono::milliseconds(50));
  }

  test::TempDir dir_;
  std::unique_ptr<registry::StudyRegistry> registry_ =
      registry::StudyRegistry::open((dir_ / "state.db").string());
  boost::asio::io_context io_;
  FakeViewer viewer_{io_};
};

TEST_F(DispatchOrder, ABacklogDrainsOldestFirstWhileTheNewestStudyTakesTheSecondSlot) {
  for (int i = 1; i <= 20; ++i) add_study("1.2." + std::to_string(i), i);  // the backlog
  add_study("1.9.1", 1000);                                               // arrived last
  DispatchSettings settings;
  settings.max_in_flight = 1;
  drain(settings);
  ASSERT_EQ(viewer_.bodies.size(), 21u);
  EXPECT_EQ(viewer_.bodies[0], "1.2.1") << "the oldest first";
  EXPECT_EQ(viewer_.bodies[1], "1.9.1") << "the newest does not wait for the whole backlog";
  EXPECT_EQ(viewer_.bodies[2], "1.2.2");
  EXPECT_EQ(viewer_.bodies[3], "1.2.20");
}

TEST_F(DispatchOrder, AfterFailuresInARowOnlyOneRequestIsInFlight) {
  for (int i = 1; i <= 6; ++i) add_study("1.2." + std::to_string(i), i);
  viewer_.answer = {viewer::CreateOutcome::Kind::transient, 503, "", "HTTP 503", "", {}};
  DispatchSettings settings;
  settings.max_in_flight = 4;
  settings.retry.probe_after_failures = 2;
  settings.retry.initial = std::chrono::hours(1);  // no study is due again during the test
  settings.retry.max = std::chrono::hours(1);
  drain(settings);
  // Four at once; the first failure frees a slot for the fifth (one failure is not an
  // outage); from the second failure in a row the breaker is open, so the sixth waits until
  // nothing is on the wire and goes alone.
  EXPECT_EQ(viewer_.bodies.size(), 6u);
  EXPECT_EQ(viewer_.outstanding_at_send, (std::vector<int>{1, 2, 3, 4, 4, 1}));
  EXPECT_EQ(registry_->count_by_state()[0].second, 6) << "all pending, waiting for their retry";
}

TEST_F(DispatchOrder, TheRequestAfterAnAnswerLeavesBeforeThatAnswerIsCommitted) {
  for (int i = 1; i <= 4; ++i) add_study("1.2." + std::to_string(i), i);
  std::vector<std::int64_t> registered_at_send;
  viewer_.on_create = [&] {
    std::int64_t registered = 0;
    for (const auto& [state, count] : registry_->count_by_state()) {
      if (state == StudyState::registered) registered = count;
    }
    registered_at_send.push_back(registered);
  };
  DispatchSettings settings;
  settings.max_in_flight = 1;
  drain(settings);
  ASSERT_EQ(viewer_.bodies.size(), 4u);
  // The second study was claimed (and synced) with the first, so it goes out as soon as the
  // first answer frees the slot, before that answer is committed: the request does not wait
  // for the disk.
  EXPECT_EQ(registered_at_send[1], 0) << "the first answer was committed before the next request";
  EXPECT_EQ(viewer_.outstanding_at_send, (std::vector<int>{1, 1, 1, 1})) << "never two at once";
  std::int64_t registered = 0;
  for (const auto& [state, count] : registry_->count_by_state()) {
    if (state == StudyState::registered) registered = count;
  }
  EXPECT_EQ(registered, 4) << "every answer is committed in the end";
}

TEST_F(DispatchOrder, AStopGivesReadyStudiesBackAsTheyWereAndLeavesSentOnesInFlight) {
  for (int i = 1; i <= 6; ++i) add_study("1.2." + std::to_string(i), i);
  viewer_.never_answer = true;
  DispatchSettings settings;
  settings.max_in_flight = 2;
  drain(settings);  // two on the wire, two claimed ready, two never claimed; then stop()
  EXPECT_EQ(viewer_.bodies, (std::vector<std::string>{"1.2.1", "1.2.6"}));
  std::map<StudyState, std::int64_t> states;
  for (const auto& [state, count] : registry_->count_by_state()) states[state] = count;
  EXPECT_EQ(states[StudyState::in_flight], 2) << "sent: looked up on the next start";
  EXPECT_EQ(states[StudyState::pending], 4);
  for (const char* ready : {"1.2.2", "1.2.5"}) {  // the next oldest and the next newest
    const auto study = registry_->find(ready);
    ASSERT_TRUE(study);
    EXPECT_EQ(study->state, StudyState::pending) << ready;
    EXPECT_EQ(study->attempts, 0) << ready << ": never sent, so never attempted";
    EXPECT_EQ(study->first_attempt, 0) << ready;
    EXPECT_FALSE(study->lookup_first) << ready;
  }
}

TEST_F(DispatchOrder, WithEverySlotTakenADueBacklogWaitsForAnAnswerInsteadOfSpinning) {
  for (int i = 1; i <= 20; ++i) add_study("1.2." + std::to_string(i), i);
  viewer_.never_answer = true;  // the slots and the ready queue stay full
  DispatchSettings settings;
  settings.max_in_flight = 2;
  auto dispatcher = std::make_shared<RegistrationDispatcher>(io_, *registry_, viewer_, settings);
  dispatcher->start();
  timespec before{}, after{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
  io_.run_for(std::chrono::milliseconds(500));
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
  dispatcher->stop();
  const double cpu_ms = (after.tv_sec - before.tv_sec) * 1e3 + (after.tv_nsec - before.tv_nsec) / 1e6;
  // Sixteen studies are due the whole time and nothing can take them: the dispatcher used to
  // re-arm its timer for "now" and poll the registry in a loop, a whole core for as long as
  // the backlog lasted. It now waits for an answer (or its one-second idle look).
  EXPECT_LT(cpu_ms, 100.0) << "the io thread spun while every slot was taken";
  EXPECT_EQ(viewer_.bodies.size(), 2u);
}

TEST_F(DispatchOrder, AnOutcomeWhoseCommitFailsIsKeptAndWrittenLaterWithoutSpinning) {
  // Another process (a `studies` command) holds the database's write lock while the answer
  // comes back: the outcome's commit fails with SQLITE_BUSY after the 5 s busy timeout.
  add_study("1.2.1", 1);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "state.db").c_str(), &other), SQLITE_OK);
  std::thread release;
  viewer_.on_create = [&] {
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    release = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5500));
      sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    });
  };
  DispatchSettings settings;
  auto dispatcher = std::make_shared<RegistrationDispatcher>(io_, *registry_, viewer_, settings);
  dispatcher->start();
  timespec before{}, after{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
  for (int i = 0; i < 100 && registry_->find("1.2.1")->state != StudyState::registered; ++i) {
    io_.run_for(std::chrono::milliseconds(100));
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
  dispatcher->stop();
  release.join();
  sqlite3_close(other);
  // Before, the outcome was dropped (the study stayed in_flight until a restart) and the
  // dispatcher re-armed a 0 ms timer, spinning a core and logging on every turn.
  EXPECT_EQ(registry_->find("1.2.1")->state, StudyState::registered);
  EXPECT_EQ(registry_->find("1.2.1")->study_id, "stu_1");
  EXPECT_EQ(viewer_.bodies.size(), 1u) << "the answer was kept, not the study sent again";
  const double cpu_ms = (after.tv_sec - before.tv_sec) * 1e3 + (after.tv_nsec - before.tv_nsec) / 1e6;
  EXPECT_LT(cpu_ms, 500.0) << "the dispatcher spun while the database was locked";
}

}  // namespace
}  // namespace gw::app
