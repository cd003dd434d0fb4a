// Proxy URLs and the choice between the setting, the environment and NO_PROXY. Pure: the
// environment is a map passed in.
#include "proxy_route.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "gateway/viewer/viewer_errc.hpp"

namespace {

using gw::viewer::ViewerClientSettings;
using gw::viewer::viewer_errc;
using gw::viewer::detail::choose_proxy;
using gw::viewer::detail::EnvironmentLookup;
using gw::viewer::detail::parse_proxy_url;
using gw::viewer::detail::parse_viewer_endpoint;

TEST(ProxyUrl, ReadsHostPortAndBasicCredentials) {
  const auto r = parse_proxy_url("http://alice:s3cret@proxy.hospital.local:3128");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "proxy.hospital.local");
  EXPECT_EQ(r->port, "3128");
  EXPECT_EQ(r->authorization, "Basic YWxpY2U6czNjcmV0");  // base64("alice:s3cret")
  EXPECT_EQ(r->display, "proxy.hospital.local:3128");
}

TEST(ProxyUrl, DecodesPercentEncodedCredentials) {
  const auto r = parse_proxy_url("http://d%40m:p%3Ass@10.0.0.1:8080/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->authorization, "Basic ZEBtOnA6c3M=");  // base64("d@m:p:ss")
  EXPECT_EQ(r->display, "10.0.0.1:8080");
}

TEST(ProxyUrl, DefaultsToPort80AndNoCredentials) {
  const auto r = parse_proxy_url("http://proxy.example");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port, "80");
  EXPECT_TRUE(r->authorization.empty());
}

TEST(ProxyUrl, ReadsABareHostPortAsHttp) {
  const auto r = parse_proxy_url("proxy.example:3128");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "proxy.example");
  EXPECT_EQ(r->port, "3128");
}

TEST(ProxyUrl, ReadsIpv6WithoutBrackets) {
  const auto r = parse_proxy_url("http://[fd00::1]:3128");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "fd00::1");
  EXPECT_EQ(r->display, "[fd00::1]:3128");
}

TEST(ProxyUrl, RefusesWhatItCannotUse) {
  for (const char* url : {"", "https://proxy.example:3128", "socks5://proxy.example:1080",
                          "http://proxy.example:3128/path", "http://proxy.example?x=1",
                          "http://proxy.example#f", "http://:3128", "http://proxy.example:0",
                          "http://proxy example"}) {
    const auto r = parse_proxy_url(url);
    EXPECT_FALSE(r) << url;
    if (!r) {
      EXPECT_EQ(r.error(), viewer_errc::bad_proxy) << url;
    }
  }
}

TEST(ProxyUrl, TheErrorNeverNamesTheCredentials) {
  const auto r = parse_proxy_url("https://alice:s3cret@proxy.example");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message().find("s3cret"), std::string::npos);
}

class ProxyChoice : public ::testing::Test {
 protected:
  EnvironmentLookup environment() {
    return [this](const char* name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  std::optional<std::string> chosen(const ViewerClientSettings& s,
                                    const char* base_url = "https://api.example.com/v1") {
    const auto endpoint = parse_viewer_endpoint(base_url);
    EXPECT_TRUE(endpoint);
    const auto route = choose_proxy(s, *endpoint, environment());
    EXPECT_TRUE(route) << route.error().message();
    if (!route || !*route) return std::nullopt;
    return (*route)->display;
  }
  std::map<std::string, std::string> env_;
};

TEST_F(ProxyChoice, NoSettingAndNoEnvironmentMeansDirect) {
  EXPECT_EQ(chosen({}), std::nullopt);
}

TEST_F(ProxyChoice, TheSettingWins) {
  ViewerClientSettings s;
  s.proxy = "http://setting.example:3128";
  env_["https_proxy"] = "http://env.example:3128";
  EXPECT_EQ(chosen(s), "setting.example:3128");
}

TEST_F(ProxyChoice, LowerCaseEnvironmentBeforeUpperCase) {
  env_["HTTPS_PROXY"] = "http://upper.example:1";
  EXPECT_EQ(chosen({}), "upper.example:1");
  env_["https_proxy"] = "http://lower.example:2";
  EXPECT_EQ(chosen({}), "lower.example:2");
  env_["https_proxy"] = "";  // set but empty: switched off, even with HTTPS_PROXY set
  EXPECT_EQ(chosen({}), std::nullopt);
}

TEST_F(ProxyChoice, IgnoringTheEnvironmentMeansDirectUnlessSet) {
  ViewerClientSettings s;
  s.ignore_proxy_environment = true;
  env_["https_proxy"] = "http://env.example:3128";
  EXPECT_EQ(chosen(s), std::nullopt);
  s.proxy = "http://setting.example:3128";
  env_["no_proxy"] = "*";  // ignored too
  EXPECT_EQ(chosen(s), "setting.example:3128");
}

TEST_F(ProxyChoice, NoProxyFromTheEnvironmentBypassesTheSettingsProxy) {
  ViewerClientSettings s;
  s.proxy = "http://setting.example:3128";
  env_["NO_PROXY"] = "localhost,.example.com";
  EXPECT_EQ(chosen(s), std::nullopt);
  EXPECT_EQ(chosen(s, "https://api.other.test/v1"), "setting.example:3128");
  env_["no_proxy"] = "other.test";  // lower case first
  EXPECT_EQ(chosen(s), "setting.example:3128");
  EXPECT_EQ(chosen(s, "https://api.other.test/v1"), std::nullopt);
}

TEST_F(ProxyChoice, TheNoProxySettingWinsOverTheEnvironment) {
  ViewerClientSettings s;
  s.proxy = "http://setting.example:3128";
  s.no_proxy = "127.0.0.0/8";
  env_["no_proxy"] = "*";
  EXPECT_EQ(chosen(s), "setting.example:3128");
  EXPECT_EQ(chosen(s, "https://127.0.0.1:8443/v1"), std::nullopt);
}

TEST_F(ProxyChoice, ABrokenProxyIsAnErrorEvenForABypassedHost) {
  ViewerClientSettings s;
  s.proxy = "https://proxy.example";
  s.no_proxy = "*";
  const auto endpoint = parse_viewer_endpoint("https://api.example.com/v1");
  const auto route = choose_proxy(s, *endpoint, environment());
  ASSERT_FALSE(route);
  EXPECT_EQ(route.error(), viewer_errc::bad_proxy);
}

}  // namespace
