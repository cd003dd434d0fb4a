#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "gateway/viewer/https_viewer_client.hpp"

namespace {

using gw::viewer::HttpsViewerClient;
using gw::viewer::viewer_errc;
using gw::viewer::ViewerClientSettings;

ViewerClientSettings valid_settings() {
  ViewerClientSettings s;
  s.base_url = "https://api.example.com/v1";
  s.api_key = "secret-key-123";
  return s;
}

boost::system::error_code creation_error(ViewerClientSettings s) {
  boost::asio::io_context ioc;
  auto client = HttpsViewerClient::create(ioc.get_executor(), std::move(s));
  return client ? boost::system::error_code{} : client.error();
}

TEST(ClientCreation, SucceedsWithAnHttpsUrlAndTheSystemTrustStore) {
  EXPECT_FALSE(creation_error(valid_settings()));
}

TEST(ClientCreation, AcceptsIpLiteralsPortsAndTrailingSlashes) {
  for (const char* url : {"https://127.0.0.1:8443/v1", "https://[::1]:8443/v1/",
                          "https://viewer.example", "HTTPS://x.example:443"}) {
    auto s = valid_settings();
    s.base_url = url;
    EXPECT_FALSE(creation_error(s)) << url;
  }
}

TEST(ClientCreation, RefusesPlainHttpSoTheKeyNeverTravelsInClear) {
  auto s = valid_settings();
  s.base_url = "http://api.example.com/v1";
  EXPECT_EQ(creation_error(s), viewer_errc::not_https);
}

TEST(ClientCreation, RefusesMalformedUrls) {
  for (const char* url :
       {"", "api.example.com/v1", "https://", "https://user:pw@api.example.com/v1",
        "https://api.example.com/v1?x=1", "https://api.example.com/v1#frag", "https://a b/"}) {
    auto s = valid_settings();
    s.base_url = url;
    EXPECT_EQ(creation_error(s), viewer_errc::bad_url) << url;
  }
}

TEST(ClientCreation, ReportsAnUnreadableCaFile) {
  auto s = valid_settings();
  s.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(creation_error(s), viewer_errc::ca_file_unreadable);
}

TEST(ClientCreation, RefusesSettingsOutOfRange) {
  auto zero_pool = valid_settings();
  zero_pool.max_connections = 0;
  EXPECT_EQ(creation_error(zero_pool), viewer_errc::bad_settings);
  auto zero_timeout = valid_settings();
  zero_timeout.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(creation_error(zero_timeout), viewer_errc::bad_settings);
  auto no_key = valid_settings();
  no_key.api_key.clear();
  EXPECT_EQ(creation_error(no_key), viewer_errc::bad_settings);
}

TEST(ClientCreation, RefusesAKeyThatCouldForgeHeadersAndDoesNotEchoIt) {
  auto s = valid_settings();
  s.api_key = "abc\r\nX-Evil: 1";
  const auto ec = creation_error(s);
  EXPECT_EQ(ec, viewer_errc::bad_settings);
  EXPECT_EQ(ec.message().find("abc"), std::string::npos);
}

}  // namespace
