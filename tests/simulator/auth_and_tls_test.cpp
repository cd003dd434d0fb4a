// Who may call, over what: the bearer key, certificate and host-name verification,
// keep-alive, and answers for routes that do not exist.
#include <boost/json.hpp>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

class CallingTheApi : public SimulatorTest {};

TEST_F(CallingTheApi, WithoutAKeyIsAnswered401AndCreatesNothing) {
  const Exchange refused = client().send(make_request(http::verb::post, "/v1/viewer/studies",
                                                      boost::json::serialize(valid_study()), ""));
  EXPECT_EQ(refused.status(), 401);
  EXPECT_EQ(refused.response[http::field::www_authenticate], "Bearer");
  EXPECT_TRUE(refused.json().as_object().contains("error"));
  EXPECT_EQ(simulator().studies_created(), 0u);
}

TEST_F(CallingTheApi, WithAWrongKeyIsAnswered401) {
  const Exchange refused =
      client().send(make_request(http::verb::get, "/v1/express", {}, "not-the-key"));
  EXPECT_EQ(refused.status(), 401);
}

TEST_F(CallingTheApi, WithAKeyThatOnlyStartsRightIsAnswered401) {
  const Exchange refused =
      client().send(make_request(http::verb::get, "/v1/express", {}, "sim-key-and-more"));
  EXPECT_EQ(refused.status(), 401);
}

TEST_F(CallingTheApi, OnAnUnknownRouteIsAnswered404WithAJsonError) {
  const Exchange missing = get("/v1/no/such/thing");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_TRUE(missing.json().as_object().contains("error"));
  EXPECT_EQ(get("/elsewhere").status(), 404);
}

TEST_F(CallingTheApi, WithAnUnsupportedMethodIsAnswered405) {
  const Exchange refused = client().send(make_request(http::verb::delete_, "/v1/express"));
  EXPECT_EQ(refused.status(), 405);
  EXPECT_EQ(refused.response[http::field::allow], "GET");
}

TEST_F(CallingTheApi, SeveralTimesReusesOneKeptAliveConnection) {
  EXPECT_EQ(get("/v1/express").status(), 200);
  EXPECT_EQ(get("/v1/express").status(), 200);
  EXPECT_EQ(post_study(valid_study()).status(), 201);
  EXPECT_EQ(client().connections(), 1);
}

TEST_F(CallingTheApi, ByTheNameLocalhostVerifiesTheDefaultCertificate) {
  HttpsTestClient by_name(simulator().port(), simulator().certificate_pem(), "localhost");
  EXPECT_FALSE(by_name.connect());
  EXPECT_EQ(by_name.send(make_request(http::verb::get, "/v1/express")).status(), 200);
}

TEST_F(CallingTheApi, WithoutTrustingTheCertificateFailsTheHandshake) {
  SimulatorOptions other_options;
  ViewerSimulator other(other_options);
  other.start();  // only for a certificate the client trusts instead
  HttpsTestClient distrustful(simulator().port(), other.certificate_pem());
  EXPECT_TRUE(distrustful.connect());
}

class CallingASimulatorCertifiedForAnotherHost : public SimulatorTest {
  SimulatorOptions options() const override {
    SimulatorOptions o;
    o.certificate_names = {"wrong.example"};
    return o;
  }
};

TEST_F(CallingASimulatorCertifiedForAnotherHost, FailsHostNameVerification) {
  EXPECT_TRUE(client().connect());  // the client verifies 127.0.0.1
  HttpsTestClient by_that_name(simulator().port(), simulator().certificate_pem(), "wrong.example");
  EXPECT_FALSE(by_that_name.connect());  // same certificate, the name it names: trusted
}

TEST(AViewerSimulator, ThatCannotBindThrowsFromStart) {
  ViewerSimulator first({});
  first.start();
  SimulatorOptions same_port;
  same_port.port = first.port();
  ViewerSimulator second(same_port);
  // reuse_address does not let two listeners share a port on Linux.
  EXPECT_THROW(second.start(), std::exception);
}

TEST(AViewerSimulator, ServesItsBaseUrlWithTheListenAddressAsHost) {
  ViewerSimulator simulator({});
  simulator.start();
  EXPECT_EQ(simulator.base_url(), "https://127.0.0.1:" + std::to_string(simulator.port()) + "/v1");
  EXPECT_NE(simulator.certificate_pem().find("BEGIN CERTIFICATE"), std::string::npos);
}

}  // namespace
}  // namespace gw::sim::test
