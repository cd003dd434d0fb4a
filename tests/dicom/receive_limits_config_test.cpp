// dicom.limits in the configuration file: defaults, accepted values, located errors.
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"
#include "gateway/dicom/receive_limits.hpp"

namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

gw::config::LoadResult load(const std::string& yaml) {
  return gw::config::load_config_text(yaml + kRouting, "t.yaml", {});
}

TEST(ReceiveLimitsConfig, DefaultsMatchTheReceiverDefaults) {
  const auto r = load("");
  ASSERT_TRUE(r.config);
  const gw::dicom::ReceiveLimits receiver;
  EXPECT_EQ(r.config->dicom.limits.max_nesting, receiver.max_nesting);
  EXPECT_EQ(r.config->dicom.limits.max_elements, receiver.max_elements);
  EXPECT_EQ(r.config->dicom.limits.max_dataset_bytes, receiver.max_dataset_bytes);
  EXPECT_EQ(receiver.max_nesting, 32u);
  EXPECT_EQ(receiver.max_dataset_bytes, 4ull << 30);
}

TEST(ReceiveLimitsConfig, ReadsEveryLimit) {
  const auto r = load("dicom:\n  limits: { max_nesting: 8, max_elements: 5000, max_dataset_bytes: 8589934592 }\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->dicom.limits.max_nesting, 8u);
  EXPECT_EQ(r.config->dicom.limits.max_elements, 5000u);
  EXPECT_EQ(r.config->dicom.limits.max_dataset_bytes, 8ull << 30);
}

TEST(ReceiveLimitsConfig, RejectsAnUnknownKeyAndAZeroNesting) {
  const auto r = load("dicom:\n  limits: { max_depth: 8, max_nesting: 0 }\n");
  EXPECT_FALSE(r.config);
  std::string all;
  for (const auto& d : r.diagnostics) all += d.message + "\n";
  EXPECT_NE(all.find("max_depth"), std::string::npos) << all;
  EXPECT_NE(all.find("max_nesting"), std::string::npos) << all;
}

}  // namespace
