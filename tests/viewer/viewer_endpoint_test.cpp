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

TEST(ViewerEndpoint, BuildsReadTargetsUnderTheBasePathWithEncodedValues) {
  using namespace gw::viewer::detail;
  const auto e = parse_viewer_endpoint("https://api.example.com/v1/");
  ASSERT_TRUE(e);
  EXPECT_EQ(study_target(*e, "stu_0123"), "/v1/viewer/studies/stu_0123");
  EXPECT_EQ(study_target(*e, "a/b?c"), "/v1/viewer/studies/a%2Fb%3Fc");
  EXPECT_EQ(study_by_uid_target(*e, "1.2.840.10008.5"), "/v1/viewer/studies/by-uid/1.2.840.10008.5");
  EXPECT_EQ(study_by_uid_target(*e, "1.2/../x?y#z"),
            "/v1/viewer/studies/by-uid/1.2%2F..%2Fx%3Fy%23z");
  EXPECT_EQ(user_target(*e, "usr_0123"), "/v1/viewer/users/usr_0123");
  EXPECT_EQ(user_target(*e, "../express"), "/v1/viewer/users/..%2Fexpress");
  EXPECT_EQ(customer_list_target(*e, 100, ""), "/v1/express?limit=100");
  // A vendor cursor is Base64: "+", "/" and "=" must survive the query string.
  EXPECT_EQ(customer_list_target(*e, 100, "Y2MxLjM+/="), "/v1/express?limit=100&cursor=Y2MxLjM%2B%2F%3D");
}

TEST(ViewerEndpoint, NamesTheAuthorityForConnectWithIpv6InBrackets) {
  using namespace gw::viewer::detail;
  EXPECT_EQ(authority(*parse_viewer_endpoint("https://api.example.com/v1")), "api.example.com:443");
  EXPECT_EQ(authority(*parse_viewer_endpoint("https://[::1]:9000")), "[::1]:9000");
}

}  // namespace
