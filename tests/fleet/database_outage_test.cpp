// Issue 19: PostgreSQL goes away in the middle of a burst through the balancer, cleanly (a
// restart: fast shutdown) or by crashing (immediate: it recovers from its WAL), and comes back.
// One scenario, two tests of what it must show: nothing acknowledged is lost and the fleet
// recovers by itself; while the database is away every node says so (0xA700, /readyz 503).
#include <gtest/gtest.h>

#include <atomic>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "fleet_harness.hpp"
#include "study_burst.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string hex4(int value) {
  std::ostringstream text;
  text << std::uppercase << std::hex << std::setw(4) << std::setfill('0') << value;
  return text.str();
}

/// What one run of the scenario observed. Value type.
struct OutageRun {
  GeneratedStudies studies;              // the burst's
  std::vector<InstanceOutcome> burst;    // what its senders were answered
  std::vector<Readyz> while_down;        // each node's first /readyz that was not 200
  std::vector<SendResult> probes;        // one C-STORE straight to each node while down
  std::vector<Readyz> after;             // each node's /readyz once the database is back
  GeneratedStudies later;                // a batch sent once the balancer sees every node
  std::vector<InstanceOutcome> later_outcomes;
  double outage_seconds = 0;             // database stopped to every node ready again
};

/// The database goes away once 60 of the burst's 360 instances are acknowledged, is probed
/// while away, and comes back; the burst runs on through all of it.
void run_outage(FleetHarness& fleet, bool crash, OutageRun& run) {
  run.studies = make_studies(fleet.dir() / "burst", "3", 120, 3);
  const auto probes = make_studies(fleet.dir() / "probe", "4", fleet.node_count(), 1);
  BackgroundBurst burst(fleet.balancer(), run.studies, 6, 5);
  ASSERT_TRUE(burst.wait_acknowledged(60, 60s)) << fleet.logs();
  fleet.stop_database(crash);
  const auto stopped_at = Clock::now();

  for (int i = 0; i < fleet.node_count(); ++i) {
    Readyz down;
    for (const auto until = Clock::now() + 30s; Clock::now() < until;) {
      if ((down = fleet.readyz(i)).status != 200) break;
      std::this_thread::sleep_for(50ms);  // the store probes the database at most once a second
    }
    run.while_down.push_back(down);
  }
  for (int i = 0; i < fleet.node_count(); ++i) {
    run.probes.push_back(send_files(fleet.direct(i), probes.files[static_cast<std::size_t>(i)]));
  }

  fleet.start_database();
  for (int i = 0; i < fleet.node_count(); ++i) {
    Readyz up;
    for (const auto until = Clock::now() + 60s; Clock::now() < until;) {
      if ((up = fleet.readyz(i)).status == 200) break;
      std::this_thread::sleep_for(100ms);
    }
    run.after.push_back(up);
  }
  run.outage_seconds = std::chrono::duration<double>(Clock::now() - stopped_at).count();
  run.burst = burst.outcomes();
  ASSERT_TRUE(fleet.haproxy().wait_all_up(30s)) << fleet.haproxy().output();
  run.later = make_studies(fleet.dir() / "later", "5", 12, 3);
  run.later_outcomes = send_spread(fleet.balancer(), run.later, 6, 6);

  std::map<int, int> by_status;  // -1: no answer (the balancer had no ready node)
  for (const auto& o : run.burst) ++by_status[o.status ? *o.status : -1];
  std::cout << "[ measured ] " << (crash ? "crash" : "restart") << ": burst of 360 instances:";
  for (const auto& [status, n] : by_status) {
    std::cout << " " << (status < 0 ? std::string("no answer") : "0x" + hex4(status)) << "=" << n;
  }
  std::cout << "; database down to every node ready again " << run.outage_seconds << " s\n";
}

class FleetDatabaseOutage : public ::testing::TestWithParam<bool> {};

TEST_P(FleetDatabaseOutage, MidBurstLosesNoAcknowledgedInstanceAndTheFleetRecoversByItself) {
  FleetOptions options;
  options.ignore_idempotency = true;  // a study created twice shows as two POSTs
  FleetHarness fleet(options);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  OutageRun run;
  run_outage(fleet, GetParam(), run);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  for (int i = 0; i < fleet.node_count(); ++i) {
    EXPECT_NE(run.while_down[static_cast<std::size_t>(i)].status, 200)
        << fleet.node(i).name << " said ready without its database";
    EXPECT_EQ(run.after[static_cast<std::size_t>(i)].status, 200)
        << fleet.node(i).name << " did not recover: " << run.after[static_cast<std::size_t>(i)].body;
  }
  // Every instance acknowledged with Success, during the burst or after it, belongs to a study
  // that ends registered, and created once.
  std::set<std::string> acknowledged;
  for (const auto& o : run.burst) {
    if (o.status == 0x0000) acknowledged.insert(o.study_uid);
  }
  for (const auto& o : run.later_outcomes) {
    EXPECT_EQ(o.status, std::optional<std::uint16_t>(0x0000)) << o.study_uid << " after recovery";
    acknowledged.insert(o.study_uid);
  }
  const std::vector<std::string> must(acknowledged.begin(), acknowledged.end());
  const auto waited_from = Clock::now();
  ASSERT_TRUE(fleet.wait_registered(1, must, 90s)) << fleet.logs();
  std::cout << "[ measured ] " << must.size() << " acknowledged studies registered "
            << std::chrono::duration<double>(Clock::now() - waited_from).count()
            << " s after the last batch (claim_lease 10 s)\n";
  const auto creates = fleet.creates_per_study();
  for (const auto& uid : must) {
    EXPECT_EQ(creates.count(uid) ? creates.at(uid) : 0, 1) << uid << " created that often";
  }
}

TEST_P(FleetDatabaseOutage, WhileItIsAwayEveryNodeAnswers0xA700AndReadyzSaysWhy) {
  FleetHarness fleet;
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  OutageRun run;
  run_outage(fleet, GetParam(), run);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  for (int i = 0; i < fleet.node_count(); ++i) {
    const auto& down = run.while_down[static_cast<std::size_t>(i)];
    EXPECT_EQ(down.status, 503) << fleet.node(i).name << ": " << down.body;
    EXPECT_NE(down.body.find("database"), std::string::npos)
        << fleet.node(i).name << "'s /readyz gave no reason: " << down.body;
    const auto& probe = run.probes[static_cast<std::size_t>(i)];
    EXPECT_TRUE(probe.associated) << probe.error;
    EXPECT_EQ(probe.statuses, std::vector<std::uint16_t>{0xA700})
        << fleet.node(i).name << " answered the C-STORE otherwise while the database was away";
  }
  // The senders saw Success, 0xA700 (out of resources: a modality sends again later) or no
  // answer at all (the balancer had no ready node). Never another failure status.
  for (const auto& o : run.burst) {
    if (!o.status || *o.status == 0x0000) continue;
    EXPECT_EQ(*o.status, 0xA700) << o.study_uid << " was answered 0x" << hex4(*o.status);
  }
}

INSTANTIATE_TEST_SUITE_P(Fleet, FleetDatabaseOutage, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "PostgresCrashes" : "PostgresRestarts";
                         });

}  // namespace
}  // namespace gw::test
