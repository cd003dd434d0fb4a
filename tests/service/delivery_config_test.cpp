// The delivery settings in the configuration file: retention, the circuit breaker, durations.
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"

namespace gw::config {
namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

LoadResult load(const std::string& yaml) { return load_config_text(yaml + kRouting, "t.yaml", {}); }

TEST(DeliveryConfig, ByDefaultFilesAreKeptForeverAndFiveFailuresTripTheBreaker) {
  const auto r = load("");
  ASSERT_TRUE(r.config);
  EXPECT_FALSE(r.config->storage.retention);
  EXPECT_EQ(r.config->viewer_api.retry.probe_after_failures, 5u);
}

TEST(DeliveryConfig, RetentionTakesForeverOrADurationInDays) {
  EXPECT_FALSE(load("storage: { retention: forever }\n").config->storage.retention);
  EXPECT_EQ(*load("storage: { retention: 7d }\n").config->storage.retention, std::chrono::hours(24 * 7));
  EXPECT_EQ(*load("storage: { retention: 0s }\n").config->storage.retention, std::chrono::seconds(0));
}

TEST(DeliveryConfig, ABadRetentionIsReportedWithItsKey) {
  const auto r = load("storage:\n  retention: sometimes\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].line, 2);
  EXPECT_NE(r.diagnostics[0].message.find("storage.retention"), std::string::npos) << r.diagnostics[0].message;
}

TEST(DeliveryConfig, TheBreakerThresholdIsBounded) {
  EXPECT_EQ(load("viewer_api: { retry: { probe_after_failures: 3 } }\n").config->viewer_api.retry.probe_after_failures, 3u);
  EXPECT_FALSE(load("viewer_api: { retry: { probe_after_failures: 0 } }\n").config);
}

}  // namespace
}  // namespace gw::config
