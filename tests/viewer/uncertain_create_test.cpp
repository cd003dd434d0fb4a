// CreateOutcome::maybe_created over real TLS against the in-process simulator: true exactly when
// the request may have reached the viewer and no answer says it was not processed, so the
// dispatcher knows when to look the study up by UID before sending it again.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "simulator_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using gw::viewer::CreateOutcome;
using gw::viewer::testing::start_simulator;
using gw::viewer::testing::study_body;
using Kind = CreateOutcome::Kind;

class AnUncertainCreate : public gw::viewer::testing::SimulatorFixture {
 protected:
  CreateOutcome create_with_timeout(std::chrono::milliseconds timeout) {
    auto s = settings();
    s.timeout = timeout;
    auto client = make_client(s);
    return create_one(*client);
  }
  void fault(int status) {
    gw::sim::Fault f;
    f.status = status;
    f.count = 1;
    sim_->set_fault(f);
  }
};

TEST_F(AnUncertainCreate, AnAnswerLaterThanTheTimeoutMayHaveCreatedTheStudy) {
  gw::sim::Fault slow;
  slow.delay = 1500ms;  // the study is created at once; only the answer is late
  slow.count = 1;
  sim_->set_fault(slow);
  const CreateOutcome o = create_with_timeout(300ms);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("timed out"), std::string::npos) << o.error;
  EXPECT_TRUE(o.maybe_created);
  EXPECT_EQ(sim_->studies_created(), 1u);  // and it was
}

TEST_F(AnUncertainCreate, ASlowSimulatorMakesEveryTimedOutCreateUncertain) {
  gw::sim::SimulatorOptions options;
  options.latency = 1500ms;
  auto slow = start_simulator(options);
  auto s = settings_for(*slow, trust(*slow, "slow.pem"));
  s.timeout = 300ms;
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_TRUE(o.maybe_created);
}

TEST_F(AnUncertainCreate, AHungAnswerMayHaveCreatedTheStudy) {
  gw::sim::Fault hang;
  hang.hang = true;
  hang.count = 1;
  sim_->set_fault(hang);
  EXPECT_TRUE(create_with_timeout(300ms).maybe_created);
}

TEST_F(AnUncertainCreate, AConnectionClosedAfterTheRequestMayHaveCreatedTheStudy) {
  gw::sim::Fault drop;
  drop.drop = true;
  drop.count = 1;
  sim_->set_fault(drop);
  const CreateOutcome o = create_with_timeout(5s);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_TRUE(o.maybe_created);
}

TEST_F(AnUncertainCreate, ARefusedConnectionDidNotCreateTheStudy) {
  const auto port = sim_->port();
  sim_->stop();
  auto s = settings();
  s.base_url = "https://127.0.0.1:" + std::to_string(port) + "/v1";
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("connect"), std::string::npos) << o.error;
  EXPECT_FALSE(o.maybe_created);
}

TEST_F(AnUncertainCreate, AFailedHandshakeDidNotCreateTheStudy) {
  auto other = start_simulator();
  auto client = make_client(settings_for(*other, ca_file_));  // trusts the other simulator
  const CreateOutcome o = create_one(*client);
  EXPECT_NE(o.error.find("TLS handshake"), std::string::npos) << o.error;
  EXPECT_FALSE(o.maybe_created);
}

TEST_F(AnUncertainCreate, AServiceUnavailableAnswerDidNotCreateTheStudy) {
  for (int status : {503, 429, 408, 425}) {
    fault(status);
    const CreateOutcome o = create_with_timeout(5s);
    EXPECT_EQ(o.http_status, status);
    EXPECT_EQ(o.kind, Kind::transient) << status;
    EXPECT_FALSE(o.maybe_created) << status;
  }
}

TEST_F(AnUncertainCreate, AGatewayErrorAnswerMayHaveCreatedTheStudy) {
  for (int status : {500, 502, 504}) {
    fault(status);
    const CreateOutcome o = create_with_timeout(5s);
    EXPECT_EQ(o.http_status, status);
    EXPECT_EQ(o.kind, Kind::transient) << status;
    EXPECT_TRUE(o.maybe_created) << status;
  }
}

TEST_F(AnUncertainCreate, AShutdownMidRequestMayHaveCreatedItButNotAQueuedOne) {
  gw::sim::Fault hang;
  hang.hang = true;
  sim_->set_fault(hang);
  auto s = settings();
  s.max_connections = 1;
  auto client = make_client(s);
  std::vector<CreateOutcome> outcomes;
  client->create_study(study_body(1), "in-flight", [&](CreateOutcome o) { outcomes.push_back(o); });
  client->create_study(study_body(2), "queued", [&](CreateOutcome o) { outcomes.push_back(o); });
  ASSERT_TRUE(run_until([&] { return sim_->requests().size() == 1; }));
  client->shutdown();
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 2; }));
  EXPECT_EQ(outcomes[0].error, "shut down");
  EXPECT_TRUE(outcomes[0].maybe_created);
  EXPECT_EQ(outcomes[1].error, "shut down");
  EXPECT_FALSE(outcomes[1].maybe_created);
}

TEST_F(AnUncertainCreate, ACleanCreateIsCertain) {
  const CreateOutcome o = create_with_timeout(5s);
  EXPECT_EQ(o.kind, Kind::created);
  EXPECT_FALSE(o.maybe_created);
}

}  // namespace
