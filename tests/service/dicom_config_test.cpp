// The dicom section's association keys: timeouts (new and legacy), max_pdu, the caller policy.
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"

namespace gw::config {
namespace {

const std::string kRouting = "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

LoadResult load(const std::string& yaml) { return load_config_text(yaml + kRouting, "t.yaml", {}); }

std::string first_problem(const LoadResult& r) {
  return r.diagnostics.empty() ? std::string{} : to_string(r.diagnostics.front());
}

TEST(DicomConfig, DefaultsCheckTheCalledAeAllowAnyCallerAndAbortAfterAMinuteOfSilence) {
  const auto r = load("");
  ASSERT_TRUE(r.config) << first_problem(r);
  const auto& d = r.config->dicom;
  ASSERT_TRUE(d.policy);
  EXPECT_TRUE(d.policy->check_called_ae);
  EXPECT_TRUE(d.policy->always_allow_echo);
  EXPECT_TRUE(d.policy->allowed_callers.empty());
  EXPECT_EQ(d.acse_timeout, std::chrono::seconds(30));
  EXPECT_EQ(d.dimse_timeout, std::chrono::seconds(60));
  EXPECT_EQ(d.idle_timeout, std::chrono::seconds(60));
}

TEST(DicomConfig, ReadsTimeoutsAndTheCallerPolicy) {
  const auto r = load(
      "dicom:\n"
      "  timeouts: { acse: 5s, dimse: 20s, idle: 2m }\n"
      "  check_called_ae: false\n"
      "  always_allow_echo: false\n"
      "  max_pdu: 1048576\n"
      "  allowed_callers:\n"
      "    - { ae_title: CT_SCANNER, host: 10.1.2.0/24, max_associations: 2 }\n"
      "    - { ae_title: PACS }\n");
  ASSERT_TRUE(r.config) << first_problem(r);
  const auto& d = r.config->dicom;
  EXPECT_EQ(d.acse_timeout, std::chrono::seconds(5));
  EXPECT_EQ(d.dimse_timeout, std::chrono::seconds(20));
  EXPECT_EQ(d.idle_timeout, std::chrono::minutes(2));
  EXPECT_EQ(d.max_pdu, 1048576u);
  EXPECT_FALSE(d.policy->check_called_ae);
  EXPECT_FALSE(d.policy->always_allow_echo);
  ASSERT_EQ(d.policy->allowed_callers.size(), 2u);
  const auto& ct = d.policy->allowed_callers[0];
  EXPECT_EQ(ct.ae_title, "CT_SCANNER");
  ASSERT_TRUE(ct.network);
  EXPECT_TRUE(ct.network->contains("10.1.2.77"));
  EXPECT_FALSE(ct.network->contains("10.1.3.1"));
  EXPECT_EQ(ct.max_associations, 2u);
  EXPECT_FALSE(d.policy->allowed_callers[1].network) << "no host: any address";
  EXPECT_EQ(d.policy->allowed_callers[1].max_associations, 0u);
}

TEST(DicomConfig, TheLegacyTimeoutKeysStillWork) {
  const auto r = load("dicom: { acse_timeout: 7s, dimse_timeout: 8s }\n");
  ASSERT_TRUE(r.config) << first_problem(r);
  EXPECT_EQ(r.config->dicom.acse_timeout, std::chrono::seconds(7));
  EXPECT_EQ(r.config->dicom.dimse_timeout, std::chrono::seconds(8));
}

TEST(DicomConfig, RejectsALegacyAndANewTimeoutForTheSameStep) {
  const auto r = load("dicom:\n  acse_timeout: 7s\n  timeouts: { acse: 5s }\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(first_problem(r).find("t.yaml:2:17: 'dicom.acse_timeout' and 'dicom.timeouts.acse'"),
            std::string::npos)
      << first_problem(r);
}

TEST(DicomConfig, RejectsABadCidrWithItsLocation) {
  const auto r = load(
      "dicom:\n"
      "  allowed_callers:\n"
      "    - ae_title: CT\n"
      "      host: 10.1.2.0/33\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(first_problem(r).rfind("t.yaml:4:13: 'dicom.allowed_callers[].host'", 0), 0u)
      << first_problem(r);
}

TEST(DicomConfig, RejectsAnOutOfRangeMaxPduWithItsLocation) {
  for (const char* bad : {"4095", "1048577"}) {
    const auto r = load(std::string("dicom:\n  max_pdu: ") + bad + "\n");
    EXPECT_FALSE(r.config) << bad;
    ASSERT_EQ(r.diagnostics.size(), 1u) << bad;
    EXPECT_EQ(first_problem(r),
              "t.yaml:2:12: 'dicom.max_pdu' must be a whole number from 4096 to 1048576");
  }
}

TEST(DicomConfig, RejectsACallerWithoutAnAeTitleAndUnknownCallerKeys) {
  const auto r = load("dicom:\n  allowed_callers:\n    - { host: 10.0.0.1, port: 104 }\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_NE(r.diagnostics[0].message.find("unknown key 'port'"), std::string::npos);
  EXPECT_NE(r.diagnostics[1].message.find("ae_title"), std::string::npos);
}

}  // namespace
}  // namespace gw::config
