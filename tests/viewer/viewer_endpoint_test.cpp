#include "viewer_endpoint.hpp"

#include <gtest/gtest.h>

#include "gateway/viewer/viewer_errc.hpp"

namespace {

using gw::viewer::detail::parse_viewer_endpoint;

TEST(ViewerEndpoint, DerivesHostPortHostHeaderAndTargetFromTheBaseUrl) {
  const auto e = parse_viewer_endpoint("https://api.avarasoftware.com/v1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "api.avarasoftware.com");
  EXPECT_FALSE(e->host_is_ip);
  EXPECT_EQ(e->port, "443");
  EXPECT_EQ(e->host_header, "api.avarasoftware.com");
  EXPECT_EQ(e->create_target, "/v1/viewer/studies");
}

TEST(ViewerEndpoint, KeepsAnExplicitPortInTheHostHeader) {
  const auto e = parse_viewer_endpoint("https://127.0.0.1:8443/v1/");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_TRUE(e->host_is_ip);
  EXPECT_EQ(e->port, "8443");
  EXPECT_EQ(e->host_header, "127.0.0.1:8443");
  EXPECT_EQ(e->create_target, "/v1/viewer/studies");
}

TEST(ViewerEndpoint, ResolvesIpv6WithoutBracketsButSendsThemInTheHostHeader) {
  const auto e = parse_viewer_endpoint("https://[::1]:9000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "::1");
  EXPECT_TRUE(e->host_is_ip);
  EXPECT_EQ(e->host_header, "[::1]:9000");
  EXPECT_EQ(e->create_target, "/viewer/studies");
}

TEST(ViewerEndpoint, RefusesOtherSchemesAndPortZero) {
  EXPECT_EQ(parse_viewer_endpoint("ftp://x.example/").error(), gw::viewer::viewer_errc::not_https);
  EXPECT_EQ(parse_viewer_endpoint("https://x.example:0/").error(),
            gw::viewer::viewer_errc::bad_url);
}

}  // namespace
