// The client through an HTTP CONNECT proxy written in the test: the tunnel is opened, TLS runs
// end to end with the API's certificate verified (never the proxy's), and NO_PROXY bypasses it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "connect_proxy.hpp"
#include "simulator_fixture.hpp"

namespace {

using gw::viewer::CreateOutcome;
using gw::viewer::ListCustomersOutcome;
using gw::viewer::ViewerClientSettings;
using gw::viewer::testing::ConnectProxy;
using gw::viewer::testing::start_simulator;
using Kind = CreateOutcome::Kind;

class ProxyTunnelTest : public gw::viewer::testing::SimulatorFixture {
 protected:
  // By host name, so SNI and the name check both concern "localhost", not the proxy.
  ViewerClientSettings via_proxy(const std::string& proxy_url) {
    auto s = settings();
    s.base_url = "https://localhost:" + std::to_string(sim_->port()) + "/v1";
    s.proxy = proxy_url;
    return s;
  }
  std::string sim_authority() const { return "localhost:" + std::to_string(sim_->port()); }
};

TEST_F(ProxyTunnelTest, CreatesAStudyThroughAConnectTunnelWithVerifiedTls) {
  ConnectProxy proxy;
  auto client = make_client(via_proxy(proxy.url()));
  EXPECT_TRUE(client->uses_proxy());
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::created) << o.error;
  ASSERT_EQ(proxy.connects().size(), 1u);
  EXPECT_EQ(proxy.connects()[0].target, sim_authority());
  EXPECT_TRUE(proxy.connects()[0].proxy_authorization.empty());
  EXPECT_EQ(proxy.tunnels(), 1u);
  EXPECT_EQ(client->handshakes(), 1u);
  ASSERT_EQ(sim_->requests().size(), 1u);
  EXPECT_TRUE(sim_->requests()[0].authorized);
}

TEST_F(ProxyTunnelTest, KeepsTheTunnelAliveForLaterRequests) {
  ConnectProxy proxy;
  auto s = via_proxy(proxy.url());
  s.max_connections = 1;
  auto client = make_client(s);
  EXPECT_EQ(create_one(*client, "key-1", 1).kind, Kind::created);
  EXPECT_EQ(create_one(*client, "key-2", 2).kind, Kind::created);
  const auto listed = await<ListCustomersOutcome>(
      [&](auto done) { client->list_customers(std::move(done)); });
  EXPECT_EQ(listed.kind, ListCustomersOutcome::Kind::listed);
  EXPECT_EQ(proxy.connects().size(), 1u);
  EXPECT_EQ(client->handshakes(), 1u);
}

TEST_F(ProxyTunnelTest, SendsBasicProxyCredentialsFromTheProxyUrl) {
  ConnectProxy proxy("Basic YWxpY2U6czNjcmV0");  // alice:s3cret
  auto client = make_client(via_proxy(proxy.url("alice:s3cret")));
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::created) << o.error;
  ASSERT_EQ(proxy.connects().size(), 1u);
  EXPECT_EQ(proxy.connects()[0].proxy_authorization, "Basic YWxpY2U6czNjcmV0");
}

TEST_F(ProxyTunnelTest, AProxyRefusalIsTransientNamesTheProxyAndHidesTheCredentials) {
  ConnectProxy proxy("Basic c29tZW9uZTplbHNl");
  auto client = make_client(via_proxy(proxy.url("alice:s3cret")));
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_NE(o.error.find("407"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("127.0.0.1:" + std::to_string(proxy.port())), std::string::npos)
      << o.error;
  EXPECT_EQ(o.error.find("s3cret"), std::string::npos);
  EXPECT_EQ(o.error.find("alice"), std::string::npos);
  EXPECT_TRUE(sim_->requests().empty());
}

TEST_F(ProxyTunnelTest, VerifiesTheApiCertificateThroughTheTunnel) {
  // The proxy forwards to a server whose certificate names another host: the client must
  // refuse it even though the proxy itself was reached without trouble.
  gw::sim::SimulatorOptions options;
  options.certificate_names = {"wrong.example"};
  auto wrong_host = start_simulator(options);
  ConnectProxy proxy;
  auto s = settings_for(*wrong_host, trust(*wrong_host, "wrong-host.pem"));
  s.base_url = "https://localhost:" + std::to_string(wrong_host->port()) + "/v1";
  s.proxy = proxy.url();
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("TLS handshake"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("mismatch"), std::string::npos) << o.error;
  EXPECT_EQ(proxy.tunnels(), 1u);
  EXPECT_TRUE(wrong_host->requests().empty());
}

TEST_F(ProxyTunnelTest, AnUntrustedCertificateThroughTheTunnelFailsTheHandshake) {
  auto other = start_simulator();
  ConnectProxy proxy;
  auto s = settings_for(*other, ca_file_);  // trusts sim_, talks to other
  s.base_url = "https://localhost:" + std::to_string(other->port()) + "/v1";
  s.proxy = proxy.url();
  auto client = make_client(s);
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("certificate verify failed"), std::string::npos) << o.error;
  EXPECT_TRUE(other->requests().empty());
}

TEST_F(ProxyTunnelTest, NoProxyBypassesTheProxy) {
  ConnectProxy proxy;
  auto s = via_proxy(proxy.url());
  s.no_proxy = "example.org, localhost";
  auto client = make_client(s);
  EXPECT_FALSE(client->uses_proxy());
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::created) << o.error;
  EXPECT_TRUE(proxy.connects().empty());
}

TEST_F(ProxyTunnelTest, AnUnreachableProxyIsTransientAndNamesIt) {
  std::uint16_t dead_port = 0;
  {
    ConnectProxy gone;
    dead_port = gone.port();
  }
  auto client = make_client(via_proxy("http://127.0.0.1:" + std::to_string(dead_port)));
  const CreateOutcome o = create_one(*client);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_NE(o.error.find("connect to proxy 127.0.0.1:" + std::to_string(dead_port)),
            std::string::npos)
      << o.error;
}

// The environment is process-wide: this test sets and restores it, and ctest runs each test
// in a process of its own.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(ProxyTunnelTest, HonoursHttpsProxyAndNoProxyFromTheEnvironment) {
  ConnectProxy proxy;
  ScopedEnv lower("https_proxy", proxy.url());
  ScopedEnv upper("HTTPS_PROXY", "http://127.0.0.1:1");  // lower case wins
  ScopedEnv no_proxy_lower("no_proxy", "");
  ScopedEnv no_proxy_upper("NO_PROXY", "example.org");
  auto s = via_proxy("");
  s.ignore_proxy_environment = false;
  auto client = make_client(s);
  EXPECT_TRUE(client->uses_proxy());
  EXPECT_EQ(create_one(*client).kind, Kind::created);
  EXPECT_EQ(proxy.connects().size(), 1u);

  ScopedEnv bypass("no_proxy", "localhost");
  auto direct = make_client(s);
  EXPECT_FALSE(direct->uses_proxy());
  EXPECT_EQ(create_one(*direct, "key-2", 2).kind, Kind::created);
  EXPECT_EQ(proxy.connects().size(), 1u);
}

TEST_F(ProxyTunnelTest, ABrokenProxySettingFailsClientCreation) {
  auto s = settings();
  s.proxy = "https://proxy.example:3128";
  auto client = gw::viewer::HttpsViewerClient::create(ioc_.get_executor(), s);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error(), gw::viewer::viewer_errc::bad_proxy);
}

}  // namespace
