// Several gateways (nodes) sharing one PostgreSQL state: each test opens two or more registries
// with different node names on one real database, as two gateway processes would.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "registry_steps.hpp"
#include "store_under_test.hpp"

using gw::registry::InstanceArrival;
using gw::registry::NewStudy;
using gw::registry::RegistryOptions;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;

using namespace gw::registry::test;

namespace {

NewStudy pending_study() { return NewStudy{StudyState::pending, "default", "{}", {}}; }

RegistryOptions node(const std::string& name) {
  RegistryOptions options;
  options.node_name = name;
  options.claim_lease = std::chrono::milliseconds(60'000);
  return options;
}

class Fleet : public testing::Test {
 protected:
  StoreUnderTest store_{StoreKind::postgres};
  std::unique_ptr<StudyRegistry> a_ = store_.open(node("gw-a"));
  std::unique_ptr<StudyRegistry> b_ = store_.open(node("gw-b"));
};

TEST_F(Fleet, AStudyWhoseInstancesReachTwoNodesAtOnceIsCreatedOnceAndCountsEveryInstance) {
  // A modality sends half a study to each node behind the balancer, at the same moment: the
  // operator sees one study with every instance, its newest arrival, and one rule hit.
  a_->reset_rule_hits({"default"}, 0);
  b_->reset_rule_hits({"default"}, 0);
  constexpr int kStudies = 40;
  std::atomic<int> created{0};
  auto send = [&](StudyRegistry& registry, const std::string& suffix, int offset) {
    for (int i = 0; i < kStudies; ++i) {
      const std::string uid = "1.9." + std::to_string(i);
      if (record(registry, {uid, uid + "." + suffix, 10, 1000 + i * 10 + offset}, pending_study,
                 {"", "", std::nullopt, "AE_" + suffix})) {
        ++created;
      }
    }
  };
  std::thread on_a([&] { send(*a_, "a", 0); });
  std::thread on_b([&] { send(*b_, "b", 5); });
  on_a.join();
  on_b.join();

  EXPECT_EQ(created.load(), kStudies) << "each study created by exactly one node";
  const auto studies = a_->list(std::nullopt, std::nullopt);
  ASSERT_EQ(studies.size(), static_cast<std::size_t>(kStudies));
  for (const auto& study : studies) {
    EXPECT_EQ(study.instances, 2) << study.study_instance_uid;
    EXPECT_EQ(study.bytes, 20) << study.study_instance_uid;
    const int i = std::stoi(study.study_instance_uid.substr(4));
    EXPECT_EQ(study.last_instance, 1000 + i * 10 + 5) << "the newest arrival, whichever node";
    EXPECT_TRUE(study.received_by == "gw-a" || study.received_by == "gw-b");
    EXPECT_TRUE(study.callers == "AE_a\\AE_b" || study.callers == "AE_b\\AE_a") << study.callers;
  }
  const auto hits_a = a_->rule_hits(nullptr);
  const auto hits_b = b_->rule_hits(nullptr);
  ASSERT_EQ(hits_a.size(), 1u);
  ASSERT_EQ(hits_b.size(), 1u);
  EXPECT_EQ(hits_a[0].second + hits_b[0].second, kStudies) << "one hit per study, fleet-wide";
}

TEST_F(Fleet, TwoNodesClaimingTheSameDueListNeverBothClaimOneStudy) {
  // Both dispatchers see the same due studies: each study goes out from one node only.
  constexpr int kStudies = 120;
  std::vector<std::string> uids;
  for (int i = 0; i < kStudies; ++i) {
    uids.push_back("1.8." + std::to_string(i));
    record(*a_, {uids.back(), uids.back() + ".1", 1, 100 + i}, pending_study);
  }
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> by_a, by_b;
    auto claim_in_slices = [&](StudyRegistry& registry, std::vector<std::string>& claimed) {
      for (std::size_t i = 0; i < uids.size(); i += 8) {
        std::vector<std::string> slice(uids.begin() + static_cast<long>(i),
                                       uids.begin() + static_cast<long>(std::min(i + 8, uids.size())));
        for (auto& uid : registry.mark_in_flight(slice, 1000)) claimed.push_back(uid);
      }
    };
    std::thread on_a([&] { claim_in_slices(*a_, by_a); });
    std::thread on_b([&] { claim_in_slices(*b_, by_b); });
    on_a.join();
    on_b.join();
    std::set<std::string> all(by_a.begin(), by_a.end());
    for (const auto& uid : by_b) EXPECT_TRUE(all.insert(uid).second) << uid << " claimed twice";
    EXPECT_EQ(all.size(), uids.size()) << "every due study claimed by one node";
    for (const auto& uid : by_a) EXPECT_EQ(a_->find(uid)->claimed_by, "gw-a");
    for (const auto& uid : by_b) EXPECT_EQ(a_->find(uid)->claimed_by, "gw-b");
    // Give them back for the next round.
    a_->release_unsent(by_a, 1001);
    b_->release_unsent(by_b, 1001);
  }
}

TEST_F(Fleet, AClaimNotRenewedPastItsLeaseIsAdoptedByAnotherNodeWithALookupFirst) {
  // gw-a claims a study, then dies: gw-b takes it over once the lease ran out, and looks it up
  // in the viewer before sending it again (gw-a's request may have arrived).
  record(*a_, {"1.7", "1.7.1", 1, 100}, pending_study);
  record(*a_, {"1.6", "1.6.1", 1, 100}, pending_study);
  EXPECT_EQ(a_->mark_in_flight({"1.7", "1.6"}, 1'000).size(), 2u);
  EXPECT_EQ(a_->find("1.7")->lease_until, 61'000);

  a_->renew_claims(50'000);  // gw-a is alive and renews
  EXPECT_EQ(b_->adopt_expired_claims(61'001), 0) << "a renewed lease is left alone";
  EXPECT_EQ(a_->find("1.7")->claimed_by, "gw-a");
  EXPECT_EQ(a_->adopt_expired_claims(200'000), 0) << "a node never adopts its own claims";

  // gw-a stops renewing; gw-b's own claim of another study stays its own.
  EXPECT_EQ(b_->adopt_expired_claims(109'999), 0) << "not expired yet";
  EXPECT_EQ(b_->adopt_expired_claims(110'001), 2);
  const auto study = b_->find("1.7");
  EXPECT_EQ(study->state, StudyState::pending);
  EXPECT_TRUE(study->lookup_first);
  EXPECT_EQ(study->claimed_by, "");
  ASSERT_EQ(b_->mark_in_flight({"1.7"}, 110'002).size(), 1u);
  EXPECT_EQ(b_->find("1.7")->claimed_by, "gw-b");
}

TEST_F(Fleet, TwoNodesAdoptingTheSameDeadNodesClaimsTakeEachOverOnce) {
  // gw-c dies holding 60 claims; gw-a and gw-b notice together: each study is recovered once
  // (one crash_recovered transition each), never twice.
  auto c = store_.open(node("gw-c"));
  std::vector<std::string> uids;
  for (int i = 0; i < 60; ++i) {
    uids.push_back("1.3." + std::to_string(i));
    record(*c, {uids.back(), uids.back() + ".1", 1, 100 + i}, pending_study);
  }
  ASSERT_EQ(c->mark_in_flight(uids, 1'000).size(), uids.size());
  c.reset();
  std::atomic<int> transitions{0};
  for (auto* registry : {a_.get(), b_.get()}) {
    registry->observe_transitions([&](const std::string&, StudyState from, EventKind event,
                                      StudyState to) {
      if (from == StudyState::in_flight && event == EventKind::crash_recovered &&
          to == StudyState::pending) {
        ++transitions;
      }
    });
  }
  int by_a = 0, by_b = 0;
  std::thread on_a([&] { by_a = a_->adopt_expired_claims(100'000); });
  std::thread on_b([&] { by_b = b_->adopt_expired_claims(100'000); });
  on_a.join();
  on_b.join();
  EXPECT_EQ(by_a + by_b, 60);
  EXPECT_EQ(transitions.load(), 60);
  EXPECT_EQ(a_->due(100'000, 100).size(), 60u);
}

TEST_F(Fleet, AReceivingStudyIsStableOnlyAfterItsLatestInstanceOnAnyNode) {
  // study_stable: the study's instances arrive at two nodes; it is routed after the last one.
  const auto receiving = [] { return NewStudy{StudyState::receiving, "", "", "{}"}; };
  record(*a_, {"1.2", "1.2.1", 1, 1'000}, receiving, {"", "", 500});
  record(*b_, {"1.2", "1.2.2", 1, 1'400}, receiving, {"", "", 500});
  record(*a_, {"1.2", "1.2.3", 1, 1'200}, receiving, {"", "", 500});  // late, but older
  EXPECT_TRUE(a_->stable(1'899, 10).empty());
  EXPECT_TRUE(b_->stable(1'899, 10).empty());
  ASSERT_EQ(a_->stable(1'900, 10).size(), 1u);
  EXPECT_EQ(a_->stable(1'900, 10)[0].instances, 3);
  EXPECT_EQ(a_->stable(1'900, 10)[0].last_instance, 1'400);
  EXPECT_TRUE(a_->route_stable("1.2", pending_study(), 2'000));
  EXPECT_FALSE(b_->route_stable("1.2", pending_study(), 2'000)) << "routed once, fleet-wide";
}

TEST_F(Fleet, ANodeRestartingRequeuesItsOwnClaimsAndExpiredOnesButNeverALiveNodes) {
  record(*a_, {"1.1", "1.1.1", 1, 100}, pending_study);
  record(*a_, {"1.2", "1.2.1", 1, 100}, pending_study);
  record(*a_, {"1.3", "1.3.1", 1, 100}, pending_study);
  ASSERT_EQ(a_->mark_in_flight({"1.1"}, 1'000).size(), 1u);
  ASSERT_EQ(b_->mark_in_flight({"1.2"}, 1'000).size(), 1u);
  auto c = store_.open(node("gw-c"));
  ASSERT_EQ(c->mark_in_flight({"1.3"}, 1'000).size(), 1u);
  c->renew_claims(30'000);  // gw-c's lease: until 90,000

  a_.reset();  // gw-a restarts
  a_ = store_.open(node("gw-a"));
  EXPECT_EQ(a_->requeue_in_flight(62'000), 2) << "its own, and gw-b's expired one";
  EXPECT_EQ(a_->find("1.1")->state, StudyState::pending);
  EXPECT_EQ(a_->find("1.2")->state, StudyState::pending);
  EXPECT_TRUE(a_->find("1.2")->lookup_first);
  EXPECT_EQ(a_->find("1.3")->state, StudyState::in_flight) << "gw-c is alive: its request stands";
  EXPECT_EQ(a_->find("1.3")->claimed_by, "gw-c");
}

TEST_F(Fleet, EachNodeDeletesOnlyItsOwnSpooledCopyOfARegisteredStudy) {
  // Each node keeps the files it received on its own disk: retention on gw-a must not tell
  // gw-b that its copy is gone.
  record(*a_, {"1.5", "1.5.1", 1, 100}, pending_study);
  record(*b_, {"1.5", "1.5.2", 1, 200}, pending_study);
  registered(*a_, "1.5", "stu_1", {300, "created", 201, "", 5});
  EXPECT_EQ(a_->find("1.5")->registered_by, "gw-a");
  EXPECT_EQ(a_->spooled_registered_before(1'000, 10), std::vector<std::string>{"1.5"});
  EXPECT_EQ(b_->spooled_registered_before(1'000, 10), std::vector<std::string>{"1.5"});
  EXPECT_TRUE(b_->spooled_registered_before(150, 10).empty()) << "gw-b's copy got 1.5.2 at 200";

  a_->mark_spool_removed("1.5", 1'000);
  EXPECT_TRUE(a_->spooled_registered_before(1'000, 10).empty());
  EXPECT_EQ(b_->spooled_registered_before(1'000, 10), std::vector<std::string>{"1.5"});
  ASSERT_EQ(a_->stored_instances("1.5.1").size(), 1u);
  EXPECT_TRUE(a_->stored_instances("1.5.1")[0].spooled) << "gw-b still holds the study";

  b_->mark_spool_removed("1.5", 150);  // listed before 1.5.2 arrived: kept
  EXPECT_EQ(b_->spooled_registered_before(1'000, 10), std::vector<std::string>{"1.5"});
  b_->mark_spool_removed("1.5", 1'000);
  EXPECT_TRUE(b_->spooled_registered_before(1'000, 10).empty());
  EXPECT_FALSE(a_->stored_instances("1.5.1")[0].spooled) << "no node holds it any more";

  record(*a_, {"1.5", "1.5.3", 1, 2'000}, pending_study);  // a late instance at gw-a
  EXPECT_TRUE(a_->spooled_registered_before(1'000, 10).empty());
  EXPECT_EQ(a_->spooled_registered_before(3'000, 10), std::vector<std::string>{"1.5"});
  EXPECT_TRUE(b_->spooled_registered_before(3'000, 10).empty());
  EXPECT_TRUE(a_->knows_instance("1.5", "1.5.2")) << "instances are fleet-wide";
  EXPECT_EQ(b_->instances_of("1.5").size(), 3u);
}

TEST_F(Fleet, ANodesRestartResetsItsOwnRuleHitsOnly) {
  a_->reset_rule_hits({"default", "ct"}, 10);
  b_->reset_rule_hits({"default"}, 20);
  record(*a_, {"1.1", "1.1.1", 1, 100}, pending_study);
  record(*b_, {"1.2", "1.2.1", 1, 100}, pending_study);
  record(*b_, {"1.3", "1.3.1", 1, 100}, pending_study);
  b_->reset_rule_hits({"default"}, 30);  // gw-b restarts
  gw::registry::TimestampMs since = 0;
  using Hits = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(a_->rule_hits(&since), (Hits{{"default", 1}, {"ct", 0}}));
  EXPECT_EQ(since, 10);
  EXPECT_EQ(b_->rule_hits(&since), (Hits{{"default", 0}}));
  EXPECT_EQ(since, 30);
}

TEST(FleetStart, NodesOpeningAFreshDatabaseAtTheSameMomentAllSucceed) {
  // Three gateways started together on an empty database: the first creates the tables under
  // the advisory lock, the others wait for it and find them.
  StoreUnderTest store(StoreKind::postgres);
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<StudyRegistry>> nodes(kNodes);
  std::vector<std::string> errors(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      try {
        nodes[static_cast<std::size_t>(i)] = store.open(node("gw-" + std::to_string(i)));
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_EQ(errors[static_cast<std::size_t>(i)], "") << "node " << i;
    ASSERT_TRUE(nodes[static_cast<std::size_t>(i)]);
  }
  record(*nodes[0], {"1.1", "1.1.1", 1, 100}, pending_study);
  EXPECT_TRUE(nodes[3]->knows_study("1.1"));
  EXPECT_EQ(postgres_server().sql(store.location().substr(store.location().rfind('/') + 1),
                                  "SELECT version FROM schema_version"),
            "1");
}

TEST(FleetDatabase, AWrongPasswordIsAClearErrorThatDoesNotShowThePassword) {
  StoreUnderTest store(StoreKind::postgres);
  RegistryOptions options;
  options.password = "not-the-secret-42";
  try {
    store.open(options);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("state database: cannot connect"), std::string::npos) << message;
    EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
    EXPECT_EQ(message.find("not-the-secret-42"), std::string::npos) << message;
  }
}

TEST(FleetDatabase, CallsFailWhileTheDatabaseIsDownAndTheSameRegistryWorksWhenItReturns) {
  // The database restarts under a running gateway: what it cannot record fails (the sender is
  // told to retry), readiness says why, and once the database is back the gateway carries on
  // without a restart of its own.
  StoreUnderTest store(StoreKind::postgres);
  auto registry = store.open(node("gw-a"));
  record(*registry, {"1.1", "1.1.1", 1, 100}, pending_study);
  EXPECT_EQ(registry->unavailable_reason(), "");

  postgres_server().stop();
  try {
    registry->record_instance({"1.1", "1.1.2", 1, 200}, nullptr, {});
    FAIL() << "an arrival was acknowledged while the database was down";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("state database"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(postgres_server().password()), std::string::npos);
  }
  EXPECT_THROW(registry->find("1.1"), std::runtime_error);
  EXPECT_THROW(registry->knows_study("1.1"), std::runtime_error);
  std::string reason;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((reason = registry->unavailable_reason()).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(reason.find("the state database does not answer"), std::string::npos) << reason;
  EXPECT_EQ(reason.find(postgres_server().password()), std::string::npos);

  postgres_server().start();
  EXPECT_EQ(registry->record_instance({"1.1", "1.1.2", 1, 200}, nullptr, {}),
            StudyRegistry::Recorded::added)
      << "the first call after the restart reconnects";
  EXPECT_EQ(registry->find("1.1")->instances, 2);
  EXPECT_TRUE(registry->knows_instance("1.1", "1.1.2"));
  EXPECT_EQ(registry->page({}).studies.size(), 1u);
  const auto back = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(reason = registry->unavailable_reason()).empty() && std::chrono::steady_clock::now() < back) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(reason, "") << "ready again";
}

TEST(FleetDatabase, AServerThatStopsAnsweringFailsACallInSecondsInsteadOfHangingIt) {
  // The database host freezes with the connections open (no reset, no FIN): a DICOM worker's
  // call must fail (the sender retries) instead of holding the association forever, and the
  // registry must work again once the host does.
  StoreUnderTest store(StoreKind::postgres);
  auto registry = store.open(node("gw-a"));
  record(*registry, {"1.1", "1.1.1", 1, 100}, pending_study);
  postgres_server().freeze();
  auto call = std::async(std::launch::async, [&] {
    try {
      registry->record_instance({"1.1", "1.1.2", 1, 200}, nullptr, {});
      return std::string("recorded");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
  });
  const bool ended = call.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  // Readiness says so, a probe at a time, each within seconds.
  std::string reason;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((reason = registry->unavailable_reason()).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  postgres_server().thaw();
  EXPECT_NE(reason.find("the state database does not answer"), std::string::npos) << reason;
  ASSERT_TRUE(ended) << "the call hung on a server that does not answer";
  const std::string outcome = call.get();
  EXPECT_NE(outcome.find("state database: no answer within"), std::string::npos) << outcome;
  EXPECT_EQ(registry->record_instance({"1.1", "1.1.2", 1, 200}, nullptr, {}),
            StudyRegistry::Recorded::added);
  EXPECT_EQ(registry->find("1.1")->instances, 2);
}

TEST(FleetDatabase, ReadinessLookupsAndArrivalsDoNotWaitForATransactionInProgress) {
  // The dispatcher holds the writer in a batch (a slow commit, a lock wait): /readyz, the
  // intake's duplicate checks and new arrivals still answer, on connections of their own.
  StoreUnderTest store(StoreKind::postgres);
  auto registry = store.open(node("gw-a"));
  record(*registry, {"1.1", "1.1.1", 1, 100}, pending_study);
  std::promise<void> inside, release;
  auto batch = std::async(std::launch::async, [&] {
    registry->batch([&] {
      claim(*registry, "1.1", 200);
      inside.set_value();
      release.get_future().wait();
    });
  });
  inside.get_future().wait();
  auto others = std::async(std::launch::async, [&] {
    EXPECT_EQ(registry->unavailable_reason(), "");
    EXPECT_TRUE(registry->knows_study("1.1"));
    EXPECT_TRUE(registry->knows_instance("1.1", "1.1.1"));
    // Another study: an arrival for the claimed one waits for the claim's commit (its row
    // is locked until then), as it must to count correctly.
    const NewStudy study = pending_study();
    EXPECT_EQ(registry->record_instance({"1.2", "1.2.1", 1, 300}, &study, {}),
              StudyRegistry::Recorded::created);
    EXPECT_EQ(registry->page({}).studies.back().state, StudyState::pending)
        << "the batch's claim is not committed yet";
  });
  const bool answered = others.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  batch.get();
  ASSERT_TRUE(answered) << "a call waited for the batch";
  others.get();
  EXPECT_EQ(registry->find("1.1")->state, StudyState::in_flight);
  EXPECT_EQ(registry->find("1.2")->instances, 1);
}

TEST_F(Fleet, AnInstanceArrivingWhileAnotherNodeForgetsItsStudyAsksForTheStudyToBeRoutedAgain) {
  // An operator forgets a study on gw-a while gw-b records one more of its instances: gw-b's
  // arrival must not leave an instance without a study; it is told the study is unknown, so
  // the intake routes it again and the next call creates it afresh.
  record(*a_, {"1.4", "1.4.1", 1, 100}, pending_study);
  std::promise<void> forgotten, release;
  auto forget = std::async(std::launch::async, [&] {
    a_->batch([&] {
      EXPECT_TRUE(step(*a_, "1.4", {EventKind::operator_forget}, 200));
      forgotten.set_value();
      release.get_future().wait();
    });
  });
  forgotten.get_future().wait();
  auto arrival = std::async(std::launch::async, [&] {
    return b_->record_instance({"1.4", "1.4.2", 1, 300}, nullptr, {});
  });
  // Wait (with a watchdog) until gw-b's arrival waits for the study's row.
  const std::string database = store_.location().substr(store_.location().rfind('/') + 1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (postgres_server().sql(database, "SELECT count(*) FROM pg_stat_activity WHERE "
                                         "wait_event_type = 'Lock'") == "0" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  release.set_value();
  forget.get();
  EXPECT_EQ(arrival.get(), StudyRegistry::Recorded::unknown_study);
  EXPECT_FALSE(a_->find("1.4"));
  EXPECT_TRUE(a_->instances_of("1.4").empty()) << "no instance left without its study";
  EXPECT_TRUE(record(*b_, {"1.4", "1.4.2", 1, 300}, pending_study)) << "created afresh";
  EXPECT_EQ(b_->find("1.4")->instances, 1);
}

TEST(FleetDatabase, ACommittedArrivalSurvivesADatabaseCrash) {
  // record_instance() returns after a synchronous commit: a crash of the database right after
  // (immediate shutdown, recovery from its WAL) keeps the arrival.
  StoreUnderTest store(StoreKind::postgres);
  auto registry = store.open(node("gw-a"));
  for (int i = 0; i < 20; ++i) {
    record(*registry, {"1.1", "1.1." + std::to_string(i), 1, 100 + i}, pending_study);
  }
  postgres_server().kill();
  postgres_server().start();
  EXPECT_EQ(registry->instances_of("1.1").size(), 20u);
  EXPECT_EQ(registry->find("1.1")->instances, 20);
}

}  // namespace

namespace {

TEST_F(Fleet, ASecondGatewayUnderALiveNodesNameIsRefusedAndCommandsStillOpen) {
  // A cloned machine keeps its host name, and so its node name. Two daemons of one name would
  // requeue each other's claims at every start, and neither would adopt the other's. The
  // second one's administrator reads why it did not start.
  RegistryOptions serving = node("gw-c");
  serving.serving = true;
  auto first = store_.open(serving);
  try {
    store_.open(serving);
    ADD_FAILURE() << "a second gateway named gw-c was let in";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a gateway named 'gw-c' already runs"), std::string::npos)
        << e.what();
  }
  // `dicom-gateway studies …` on that node's machine opens beside its daemon.
  EXPECT_NO_THROW(store_.open(node("gw-c")));
  // The daemon gone (a restart), the name is free again at once.
  first.reset();
  EXPECT_NO_THROW(store_.open(serving));
}

}  // namespace
