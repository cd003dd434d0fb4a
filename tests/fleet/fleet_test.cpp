// Issue 19 as an operator meets it: three gateways behind HAProxy sharing PostgreSQL, a viewer
// that ignores Idempotency-Key (a second POST is a second study), real crashes and a real
// database restart. Every wait is a watchdog on an event; what passes or fails is a count.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "fleet_harness.hpp"
#include "study_burst.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// How many nodes' spools hold instances of `uid` (a study's spool folder is named by it).
int nodes_holding(FleetHarness& fleet, const std::string& uid) {
  int n = 0;
  for (int i = 0; i < fleet.node_count(); ++i) {
    n += std::filesystem::exists(fleet.node(i).folder / "spool" / uid) ? 1 : 0;
  }
  return n;
}

TEST(Fleet, TwoHundredStudiesSpreadOverThreeNodesAreEachCreatedOnceAndRegisteredOnce) {
  FleetOptions options;
  options.ignore_idempotency = true;  // a study created twice would show as two POSTs
  FleetHarness fleet(options);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto studies = make_studies(fleet.dir() / "studies", "1", 200, 3);

  // Instance k of study s travels on lane k (+3 for odd s); 20 files per association, so the
  // balancer deals 30 associations round robin and a study's three instances meet 2-3 nodes.
  const auto start = Clock::now();
  const auto outcomes = send_spread(fleet.balancer(), studies, 6, 20);
  const double sent_after = seconds_since(start);
  ASSERT_EQ(outcomes.size(), 600u);
  for (const auto& o : outcomes) {
    ASSERT_EQ(o.status, std::optional<std::uint16_t>(0x0000)) << o.study_uid << "\n" << fleet.logs();
  }
  ASSERT_TRUE(fleet.wait_registered(0, studies.uids, 100s)) << fleet.logs();
  const double registered_after = seconds_since(start);
  ::testing::Test::RecordProperty("sent_seconds", std::to_string(sent_after));
  ::testing::Test::RecordProperty("registered_seconds", std::to_string(registered_after));
  std::cout << "[ measured ] 600 instances sent in " << sent_after << " s, 200 studies registered after "
            << registered_after << " s\n";

  const auto creates = fleet.creates_per_study();
  const auto names = fleet.node_names();
  std::string error;
  const auto list = fleet.studies(2, &error);  // another node's view: the state is shared
  ASSERT_TRUE(list) << error;
  std::map<std::string, int> registered_by, received_by;
  int spread = 0;
  for (const auto& uid : studies.uids) {
    EXPECT_EQ(creates.count(uid) ? creates.at(uid) : 0, 1) << uid << " POSTed that often";
    ASSERT_EQ(list->count(uid), 1u) << uid;
    const FleetStudy& study = list->at(uid);
    EXPECT_EQ(study.state, "registered") << uid;
    EXPECT_TRUE(contains(names, study.received_by)) << uid << " receivedBy '" << study.received_by << "'";
    EXPECT_TRUE(contains(names, study.registered_by)) << uid << " registeredBy '" << study.registered_by << "'";
    ++registered_by[study.registered_by];
    ++received_by[study.received_by];
    spread += nodes_holding(fleet, uid) > 1 ? 1 : 0;
  }
  EXPECT_EQ(fleet.simulator().studies_created(), 200u);
  EXPECT_GT(registered_by.size(), 1u) << "one node registered everything";
  EXPECT_GT(spread, 0) << "no study's instances reached two nodes: the test proved nothing";
  std::cout << "[ measured ] studies received on more than one node: " << spread << "/200; registered by";
  for (const auto& [name, n] : registered_by) std::cout << " " << name << "=" << n;
  std::cout << "\n";
}

TEST(Fleet, ANodeKilledWithRequestsOnTheWireHasItsStudiesAdoptedByTheOthersEachCreatedOnce) {
  FleetOptions options;
  options.ignore_idempotency = true;
  options.claim_lease = "3s";  // the shortest the configuration allows
  options.viewer_timeout = "3s";
  options.retry_yaml = "{ initial: 100ms, max: 500ms }";
  FleetHarness fleet(options);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // The viewer creates at once and answers 10 s later: every POST stays on the wire.
  sim::Fault hold;
  hold.delay = 10s;
  fleet.simulator().set_fault(hold);
  const auto studies = make_studies(fleet.dir() / "studies", "2", 12, 3);
  for (const auto& o : send_spread(fleet.balancer(), studies, 6, 2)) {
    ASSERT_EQ(o.status, std::optional<std::uint16_t>(0x0000)) << o.study_uid;
  }

  // The victim: a node that holds a claim whose POST the viewer has received, unanswered.
  int victim = -1;
  std::vector<std::string> victims_studies;
  const auto deadline = Clock::now() + 20s;
  while (victim < 0 && Clock::now() < deadline) {
    // The simulator records a POST (and creates the study) on arrival and holds its answer
    // 10 s: every POST recorded so far is a study created whose creator has not heard back.
    std::set<std::string> on_the_wire;
    for (const auto& r : fleet.simulator().requests()) {
      if (r.method == "POST") on_the_wire.insert(r.body);
    }
    const auto list = fleet.studies(0);
    if (!list) continue;
    for (int i = 0; i < fleet.node_count() && victim < 0; ++i) {
      for (const auto& [uid, study] : *list) {
        if (study.state != "in_flight" || study.claimed_by != fleet.node(i).name) continue;
        for (const auto& body : on_the_wire) {
          if (body.find("\"" + uid + "\"") != std::string::npos) victims_studies.push_back(uid);
        }
      }
      if (!victims_studies.empty()) victim = i;
    }
  }
  ASSERT_GE(victim, 0) << "no node had a request on the wire\n" << fleet.logs();
  const std::string victim_name = fleet.node(victim).name;
  const auto killed_at = Clock::now();
  fleet.kill_node(victim);
  fleet.simulator().clear_faults();  // answers already held stay held; new ones come at once

  const int survivor = (victim + 1) % fleet.node_count();
  ASSERT_TRUE(fleet.wait_registered(survivor, studies.uids, 60s)) << fleet.logs();
  const double took = seconds_since(killed_at);
  ::testing::Test::RecordProperty("adopted_seconds", std::to_string(took));
  std::cout << "[ measured ] " << victim_name << " killed with " << victims_studies.size()
            << " POSTs on the wire; all 12 registered " << took << " s later (lease 3 s)\n";

  const auto creates = fleet.creates_per_study();
  const auto list = fleet.studies(survivor);
  ASSERT_TRUE(list);
  for (const auto& uid : studies.uids) {
    EXPECT_EQ(creates.count(uid) ? creates.at(uid) : 0, 1) << uid << " created that often";
  }
  for (const auto& uid : victims_studies) {
    const auto& by = list->at(uid).registered_by;
    EXPECT_NE(by, victim_name) << uid;
    EXPECT_TRUE(contains(fleet.node_names(), by)) << uid << " registeredBy '" << by << "'";
    // Found by lookup (the study the dead node's POST created), not POSTed again.
    EXPECT_EQ(fleet.count_lines("event=study_adopted study_uid=" + uid + " "), 1)
        << uid << " was not adopted once\n" << fleet.logs();
  }
  EXPECT_EQ(fleet.simulator().studies_created(), 12u);
}

TEST(Fleet, ANodeKilledMidBurstLosesNoInstanceItAcknowledged) {
  // A C-STORE answered Success is recorded in the shared state before the answer: the node's
  // death (its spool with it) must not lose the study; the others register it.
  FleetOptions options;
  options.ignore_idempotency = true;
  options.claim_lease = "3s";
  options.viewer_timeout = "3s";
  options.retry_yaml = "{ initial: 100ms, max: 500ms }";
  FleetHarness fleet(options);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto studies = make_studies(fleet.dir() / "burst", "7", 120, 3);
  BackgroundBurst burst(fleet.balancer(), studies, 6, 5);
  ASSERT_TRUE(burst.wait_acknowledged(60, 60s)) << fleet.logs();
  const std::string victim = fleet.node(1).name;
  fleet.kill_node(1);
  const std::vector<InstanceOutcome> outcomes = burst.outcomes();

  std::set<std::string> acknowledged_studies;
  std::map<int, int> by_status;  // -1: no answer (the association broke off with the node)
  for (const auto& o : outcomes) {
    ++by_status[o.status ? *o.status : -1];
    if (o.status == 0x0000) acknowledged_studies.insert(o.study_uid);
  }
  const std::vector<std::string> must(acknowledged_studies.begin(), acknowledged_studies.end());
  const auto killed_at = Clock::now();
  ASSERT_TRUE(fleet.wait_registered(0, must, 60s)) << fleet.logs();
  std::cout << "[ measured ] " << victim << " killed mid-burst: success=" << by_status[0]
            << " no answer=" << by_status[-1] << "; " << must.size()
            << " acknowledged studies registered " << seconds_since(killed_at)
            << " s after the burst ended\n";
  const auto creates = fleet.creates_per_study();
  const auto list = fleet.studies(2);
  ASSERT_TRUE(list);
  int received_by_victim = 0;
  for (const auto& uid : must) {
    EXPECT_EQ(creates.count(uid) ? creates.at(uid) : 0, 1) << uid << " created that often";
    received_by_victim += list->at(uid).received_by == victim ? 1 : 0;
  }
  for (const auto& [status, n] : by_status) {
    EXPECT_TRUE(status == -1 || status == 0x0000) << n << " instances answered " << status;
  }
  std::cout << "[ measured ] of them first received by " << victim << ": " << received_by_victim << "\n";
}

TEST(Fleet, ANodeWhoseReadyzFailsIsTakenOutOfTheBalancerAndNewAssociationsGoElsewhere) {
  FleetHarness fleet;
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // A spool the node cannot see makes it not ready ("the spool is not accessible").
  const auto spool = fleet.node(1).folder / "spool";
  std::filesystem::rename(spool, fleet.node(1).folder / "spool.away");
  const Readyz not_ready = fleet.readyz(1);
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  ASSERT_TRUE(fleet.haproxy().wait_for_state(fleet.node(1).name, "DOWN", 20s))
      << fleet.haproxy().output();
  const int associations_before = fleet.node(1).process->count_lines("event=association_requested");

  const auto studies = make_studies(fleet.dir() / "studies", "6", 12, 1);
  for (const auto& files : studies.files) {  // one association each: twelve round-robin turns
    EXPECT_EQ(send_files(fleet.balancer(), files).statuses, std::vector<std::uint16_t>{0x0000});
  }
  EXPECT_EQ(fleet.node(1).process->count_lines("event=association_requested"), associations_before)
      << "an association reached the node that was not ready";
  ASSERT_TRUE(fleet.wait_registered(0, studies.uids, 60s)) << fleet.logs();
  const auto list = fleet.studies(0);
  ASSERT_TRUE(list);
  for (const auto& uid : studies.uids) EXPECT_NE(list->at(uid).received_by, fleet.node(1).name);

  // Ready again: back in the rotation.
  std::filesystem::rename(fleet.node(1).folder / "spool.away", spool);
  EXPECT_TRUE(fleet.haproxy().wait_for_state(fleet.node(1).name, "UP", 20s))
      << fleet.haproxy().output();
}

}  // namespace
}  // namespace gw::test
