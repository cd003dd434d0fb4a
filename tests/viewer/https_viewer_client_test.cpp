// The HTTPS client against the in-process Viewer API simulator: real TLS over loopback.
// Nothing sleeps: each test drives its io_context until the handlers it waits for have run,
// under a watchdog that fails the test instead of hanging it.
#include "gateway/viewer/https_viewer_client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "simulator_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using gw::viewer::CreateOutcome;
using gw::viewer::HttpsViewerClient;
using gw::viewer::ViewerClientSettings;
using gw::viewer::testing::start_simulator;
using gw::viewer::testing::study_body;
using Kind = CreateOutcome::Kind;

gw::sim::Fault fault_status(int status, std::string retry_after = {}) {
  gw::sim::Fault f;
  f.status = status;
  f.retry_after = std::move(retry_after);
  f.count = 1;
  return f;
}

gw::sim::Fault fault_hang(int count) {
  gw::sim::Fault f;
  f.hang = true;
  f.count = count;
  return f;
}

gw::sim::Fault fault_drop() {
  gw::sim::Fault f;
  f.drop = true;
  f.count = 1;
  return f;
}

using HttpsViewerClientTest = gw::viewer::testing::SimulatorFixture;

TEST_F(HttpsViewerClientTest, CreatesAStudyAndReturnsItsStudyId) {
  auto client = make_client();
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::created) << o.error;
  EXPECT_GE(o.http_status, 200);
  EXPECT_LT(o.http_status, 300);
  EXPECT_EQ(o.study_id.substr(0, 4), "stu_");
  EXPECT_EQ(o.study_id.size(), 36u);
  EXPECT_NE(o.response_body.find(o.study_id), std::string::npos);
  EXPECT_EQ(client->handshakes(), 1u);
}

// This process's TCP sockets on a connection with `port` at either end (not listeners), and
// whether each has Nagle's algorithm off.
struct LoopbackSocket {
  bool client_side;  // the peer is `port`; otherwise the socket is the server's end
  bool nodelay;
};
std::vector<LoopbackSocket> sockets_on(std::uint16_t port) {
  std::vector<LoopbackSocket> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (local.ss_family != AF_INET || peer.ss_family != AF_INET) continue;
    const auto port_of = [](const sockaddr_storage& a) {
      return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
    };
    if (port_of(peer) != port && port_of(local) != port) continue;
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) != 0) continue;
    found.push_back({port_of(peer) == port, nodelay != 0});
  }
  return found;
}

TEST_F(HttpsViewerClientTest, BothEndsOfAPooledConnectionHaveNaglesAlgorithmOff) {
  // With Nagle on, a request's second TLS record waited for a delayed ACK: 26-80 ms requests
  // in the benchmark, where the API answered at once. The user sees registrations in
  // milliseconds during ingest.
  auto client = make_client();
  ASSERT_EQ(create_one(*client).kind, Kind::created);
  const auto sockets = sockets_on(sim_->port());  // the pooled connection stays open
  int client_ends = 0, server_ends = 0;
  for (const auto& s : sockets) {
    (s.client_side ? client_ends : server_ends) += 1;
    EXPECT_TRUE(s.nodelay) << (s.client_side ? "the gateway's end" : "the simulator's end");
  }
  EXPECT_EQ(client_ends, 1);
  EXPECT_EQ(server_ends, 1);
}

TEST_F(HttpsViewerClientTest, SendsTheIdempotencyKeyAndTheBearerTokenToTheCreatePath) {
  auto client = make_client();
  create_one(*client, "study-1.2.3-attempt-key");
  const auto requests = sim_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/viewer/studies");
  EXPECT_EQ(requests[0].idempotency_key, "study-1.2.3-attempt-key");
  EXPECT_TRUE(requests[0].authorized);
  EXPECT_EQ(requests[0].body, study_body());
}

TEST_F(HttpsViewerClientTest, AServiceUnavailableIsTransient) {
  sim_->set_fault(fault_status(503));
  auto client = make_client();
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 503);
}

TEST_F(HttpsViewerClientTest, TooManyRequestsCarriesTheRetryAfterDelay) {
  sim_->set_fault(fault_status(429, "3"));
  auto client = make_client();
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 429);
  EXPECT_EQ(o.retry_after, std::chrono::milliseconds(3s));
}

TEST_F(HttpsViewerClientTest, ABadRequestIsPermanentAndKeepsTheBody) {
  sim_->set_fault(fault_status(400));
  auto client = make_client();
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::permanent);
  EXPECT_EQ(o.http_status, 400);
  EXPECT_FALSE(o.response_body.empty());
  EXPECT_LE(o.response_body.size(), gw::viewer::max_kept_body_bytes);
}

TEST_F(HttpsViewerClientTest, AConflictMeansAlreadyRegistered) {
  sim_->set_fault(fault_status(409));
  auto client = make_client();
  EXPECT_EQ(create_one(*client).kind, Kind::already_registered);
}

TEST_F(HttpsViewerClientTest, AWrongKeyIsUnauthorizedAndNeverEchoed) {
  auto s = settings_for(*sim_, ca_file_);
  s.api_key = "not-the-key";
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::unauthorized);
  EXPECT_EQ(o.http_status, 401);
  EXPECT_EQ(o.error.find("not-the-key"), std::string::npos);
  ASSERT_EQ(sim_->requests().size(), 1u);
  EXPECT_FALSE(sim_->requests()[0].authorized);
}

TEST_F(HttpsViewerClientTest, AHungServerEndsTheAttemptAtTheTimeout) {
  sim_->set_fault(fault_hang(1));
  auto s = settings_for(*sim_, ca_file_);
  s.timeout = 300ms;
  auto client = make_client(s);
  const auto started = std::chrono::steady_clock::now();
  const CreateOutcome o = create_one(*client);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_NE(o.error.find("timed out"), std::string::npos) << o.error;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 3s);
}

TEST_F(HttpsViewerClientTest, ADroppedConnectionIsTransientAndTheNextCallReconnects) {
  sim_->set_fault(fault_drop());
  auto client = make_client();
  const CreateOutcome dropped = create_one(*client);
  EXPECT_EQ(dropped.kind, Kind::transient);
  EXPECT_EQ(dropped.http_status, 0);
  EXPECT_FALSE(dropped.error.empty());
  const CreateOutcome retried = create_one(*client);
  EXPECT_EQ(retried.kind, Kind::created) << retried.error;
  EXPECT_EQ(client->handshakes(), 2u);
}

TEST_F(HttpsViewerClientTest, ManyRequestsShareAtMostMaxConnectionsKeptAlive) {
  auto s = settings_for(*sim_, ca_file_);
  s.max_connections = 2;
  auto client = make_client(s);
  constexpr int total = 20;
  std::vector<CreateOutcome> outcomes;
  for (int i = 0; i < total; ++i) {
    client->create_study(study_body(i), "key-" + std::to_string(i),
                         [&](CreateOutcome o) { outcomes.push_back(std::move(o)); });
  }
  ASSERT_TRUE(run_until([&] { return outcomes.size() == total; }));
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::created) << o.error;
  EXPECT_GE(client->handshakes(), 1u);
  EXPECT_LE(client->handshakes(), 2u);
  EXPECT_EQ(sim_->requests().size(), static_cast<std::size_t>(total));
}

TEST_F(HttpsViewerClientTest, QueuedRequestsAreAnsweredInOrderWithOneConnection) {
  auto s = settings_for(*sim_, ca_file_);
  s.max_connections = 1;
  auto client = make_client(s);
  std::vector<std::string> order;
  for (int i = 0; i < 5; ++i) {
    const std::string key = "key-" + std::to_string(i);
    client->create_study(study_body(i), key,
                         [&order, key](CreateOutcome) { order.push_back(key); });
  }
  ASSERT_TRUE(run_until([&] { return order.size() == 5; }));
  EXPECT_EQ(order, (std::vector<std::string>{"key-0", "key-1", "key-2", "key-3", "key-4"}));
  EXPECT_EQ(client->handshakes(), 1u);
}

TEST_F(HttpsViewerClientTest, ReachesTheServerByHostNameWithSni) {
  auto s = settings_for(*sim_, ca_file_);
  s.base_url = "https://localhost:" + std::to_string(sim_->port()) + "/v1";
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::created) << o.error;
}

TEST_F(HttpsViewerClientTest, ACertificateForAnotherHostFailsTheHandshakeAndSendsNothing) {
  gw::sim::SimulatorOptions options;
  options.certificate_names = {"wrong.example"};
  auto wrong_host = start_simulator(options);
  auto client = make_client(settings_for(*wrong_host, trust(*wrong_host, "wrong-host.pem")));
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_NE(o.error.find("TLS handshake"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("mismatch"), std::string::npos) << o.error;
  EXPECT_EQ(client->handshakes(), 0u);
  EXPECT_TRUE(wrong_host->requests().empty());
}

TEST_F(HttpsViewerClientTest, AnUntrustedCertificateFailsTheHandshakeAndSendsNothing) {
  auto other = start_simulator();
  // Trust the fixture's simulator, talk to the other one: same names, different key.
  auto client = make_client(settings_for(*other, ca_file_));
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("certificate verify failed"), std::string::npos) << o.error;
  EXPECT_EQ(client->handshakes(), 0u);
  EXPECT_TRUE(other->requests().empty());
}

TEST_F(HttpsViewerClientTest, ShutdownAnswersInFlightAndQueuedRequests) {
  sim_->set_fault(fault_hang(-1));
  auto s = settings_for(*sim_, ca_file_);
  s.max_connections = 1;
  auto client = make_client(s);
  std::vector<CreateOutcome> outcomes;
  client->create_study(study_body(1), "in-flight",
                       [&](CreateOutcome o) { outcomes.push_back(std::move(o)); });
  client->create_study(study_body(2), "queued",
                       [&](CreateOutcome o) { outcomes.push_back(std::move(o)); });
  ASSERT_TRUE(run_until([&] { return sim_->requests().size() == 1; }));
  client->shutdown();
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 2; }));
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.kind, Kind::transient);
    EXPECT_EQ(o.error, "shut down");
  }
}

TEST_F(HttpsViewerClientTest, CallsAfterShutdownAreRefusedWithoutTraffic) {
  auto client = make_client();
  client->shutdown();
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.error, "shut down");
  EXPECT_TRUE(sim_->requests().empty());
}

TEST_F(HttpsViewerClientTest, NothingIsSentWhenNoServerListens) {
  const auto port = sim_->port();
  sim_->stop();
  auto s = settings_for(*sim_, ca_file_);
  s.base_url = "https://127.0.0.1:" + std::to_string(port) + "/v1";
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("connect"), std::string::npos) << o.error;
}

}  // namespace
