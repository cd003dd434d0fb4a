// The service settings in the configuration file: defaults, accepted values, located errors.
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"

namespace gw::config {
namespace {

const std::string kRouting = "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

LoadResult load(const std::string& yaml) { return load_config_text(yaml + kRouting, "t.yaml", {}); }

TEST(ServiceConfig, DefaultsServeMetricsOnLoopbackAndGiveThirtySecondsOfGrace) {
  const auto r = load("");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->metrics.listen, "127.0.0.1:9464");
  EXPECT_EQ(r.config->logging.format, gw::log::Format::text);
  EXPECT_EQ(r.config->shutdown_grace, std::chrono::seconds(30));
  EXPECT_EQ(r.config->alarm_after, std::chrono::minutes(30));
}

TEST(ServiceConfig, ReadsEveryServiceKey) {
  const auto r = load("metrics: { listen: \"[::1]:9100\" }\nlogging: { level: debug, format: json }\n"
                      "shutdown_grace: 5s\nalarm_after: 2h\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->metrics.listen, "[::1]:9100");
  EXPECT_EQ(r.config->logging.format, gw::log::Format::json);
  EXPECT_EQ(r.config->shutdown_grace, std::chrono::seconds(5));
  EXPECT_EQ(r.config->alarm_after, std::chrono::hours(2));
}

TEST(ServiceConfig, AnEmptyListenAddressTurnsTheMetricsEndpointOff) {
  const auto r = load("metrics: { listen: \"\" }\n");
  ASSERT_TRUE(r.config);
  EXPECT_TRUE(r.config->metrics.listen.empty());
}

TEST(ServiceConfig, RejectsAnUnknownLogFormatAndAListenAddressWithoutPort) {
  const auto r = load("logging: { format: xml }\nmetrics: { listen: 127.0.0.1 }\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_NE(r.diagnostics[0].message.find("logging.format"), std::string::npos);
  EXPECT_NE(r.diagnostics[1].message.find("metrics.listen"), std::string::npos);
}

}  // namespace
}  // namespace gw::config
