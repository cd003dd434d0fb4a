// Injected misbehaviour (status, Retry-After, drop, hang, delay, counts, path prefixes) and
// the record of what arrived.
#include <boost/beast/core/error.hpp>
#include <boost/json.hpp>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

using namespace std::chrono_literals;

class AFault : public SimulatorTest {};

Fault status_fault(int status, int count = -1) {
  Fault fault;
  fault.status = status;
  fault.count = count;
  return fault;
}

TEST_F(AFault, WithAStatusAnswersItWithRetryAfterAndCreatesNothing) {
  Fault fault = status_fault(429);
  fault.retry_after = "7";
  simulator().set_fault(fault);
  const Exchange answered = post_study(valid_study());
  EXPECT_EQ(answered.status(), 429);
  EXPECT_EQ(answered.response[http::field::retry_after], "7");
  EXPECT_TRUE(answered.json().as_object().contains("error"));
  EXPECT_EQ(simulator().studies_created(), 0u);
}

TEST_F(AFault, WithACountExpiresAfterThatManyRequests) {
  simulator().set_fault(status_fault(503, 2));
  EXPECT_EQ(post_study(valid_study(), "k").status(), 503);
  EXPECT_EQ(post_study(valid_study(), "k").status(), 503);
  EXPECT_EQ(post_study(valid_study(), "k").status(), 201);
}

TEST_F(AFault, WithoutACountLastsUntilCleared) {
  simulator().set_fault(status_fault(500));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("/v1/express").status(), 500);
  simulator().clear_faults();
  EXPECT_EQ(get("/v1/express").status(), 200);
}

TEST_F(AFault, SetAfterAnotherWaitsForTheFirstToExpire) {
  simulator().set_fault(status_fault(502, 1));
  simulator().set_fault(status_fault(504, 1));
  EXPECT_EQ(get("/v1/express").status(), 502);
  EXPECT_EQ(get("/v1/express").status(), 504);
  EXPECT_EQ(get("/v1/express").status(), 200);
}

TEST_F(AFault, ThatDropsClosesTheConnectionWithoutAnAnswer) {
  Fault fault;
  fault.drop = true;
  fault.count = 1;
  simulator().set_fault(fault);
  const Exchange dropped = post_study(valid_study());
  EXPECT_TRUE(dropped.error);
  EXPECT_NE(dropped.error, boost::beast::error::timeout);
  EXPECT_EQ(simulator().studies_created(), 0u);
  EXPECT_EQ(post_study(valid_study()).status(), 201);  // the next connection is served
  EXPECT_EQ(client().connections(), 2);
}

TEST_F(AFault, ThatHangsNeverAnswers) {
  Fault fault;
  fault.hang = true;
  simulator().set_fault(fault);
  HttpsTestClient impatient(simulator().port(), simulator().certificate_pem(), "127.0.0.1", 300ms);
  const Exchange hung = impatient.send(make_request(http::verb::get, "/v1/express"));
  EXPECT_EQ(hung.error, boost::beast::error::timeout);
  ASSERT_EQ(simulator().requests().size(), 1u);
  EXPECT_EQ(simulator().requests()[0].status, 0);
}

TEST_F(AFault, WithADelayHoldsTheAnswerBackButTakesEffect) {
  Fault fault;
  fault.delay = 200ms;
  fault.count = 1;
  simulator().set_fault(fault);
  const auto start = std::chrono::steady_clock::now();
  const Exchange delayed = post_study(valid_study());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_EQ(delayed.status(), 201);
  EXPECT_EQ(simulator().studies_created(), 1u);
}

TEST_F(AFault, ForAPathPrefixLeavesOtherPathsAlone) {
  Fault fault = status_fault(503);
  fault.only_path_prefix = "/v1/express";
  simulator().set_fault(fault);
  EXPECT_EQ(post_study(valid_study()).status(), 201);
  EXPECT_EQ(get("/v1/express?limit=1").status(), 503);
}

TEST_F(AFault, NeverAppliesToControlCalls) {
  simulator().set_fault(status_fault(500));
  EXPECT_EQ(client().send(make_request(http::verb::get, "/_sim/requests", {}, "")).status(), 200);
}

class SimulatorLatency : public SimulatorTest {
  SimulatorOptions options() const override {
    SimulatorOptions o;
    o.latency = 100ms;
    return o;
  }
};

TEST_F(SimulatorLatency, DelaysEveryApiAnswer) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/v1/express").status(), 200);
  EXPECT_EQ(get("/v1/nothing").status(), 404);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

class TheRequestRecord : public SimulatorTest {};

TEST_F(TheRequestRecord, HoldsEveryApiRequestInOrderWithItsAnswer) {
  const std::string body = boost::json::serialize(valid_study());
  Request create = make_request(http::verb::post, "/v1/viewer/studies", body);
  create.set("Idempotency-Key", "idem-1");
  client().send(std::move(create));
  client().send(make_request(http::verb::get, "/v1/express?limit=1", {}, "wrong"));
  client().send(make_request(http::verb::get, "/_sim/requests", {}, ""));  // not recorded

  const std::vector<RecordedRequest> recorded = simulator().requests();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].method, "POST");
  EXPECT_EQ(recorded[0].target, "/v1/viewer/studies");
  EXPECT_EQ(recorded[0].idempotency_key, "idem-1");
  EXPECT_TRUE(recorded[0].authorized);
  EXPECT_EQ(recorded[0].status, 201);
  EXPECT_EQ(recorded[0].body, body);
  EXPECT_EQ(recorded[1].method, "GET");
  EXPECT_EQ(recorded[1].target, "/v1/express?limit=1");
  EXPECT_FALSE(recorded[1].authorized);
  EXPECT_EQ(recorded[1].status, 401);
}

TEST_F(TheRequestRecord, IsForgottenWithTheStudiesOnReset) {
  post_study(valid_study(), "k");
  simulator().reset();
  EXPECT_TRUE(simulator().requests().empty());
  EXPECT_EQ(simulator().studies_created(), 0u);
  EXPECT_EQ(post_study(valid_study(), "k").status(), 201);  // the key was forgotten too
}

}  // namespace
}  // namespace gw::sim::test
