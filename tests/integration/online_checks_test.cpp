// The commands that ask the real API: `check-config --online` and `studies verify`.
// What the user sees: one line per problem, naming the customer id or the study, and a
// non-zero exit when there is one.
#include <gtest/gtest.h>

#include <fstream>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

constexpr const char* kInactive = "cus_fedcba9876543210fedcba9876543210";  // simulator: inactive
constexpr const char* kUnknown = "cus_11111111111111111111111111111111";
constexpr const char* kUnknownUser = "usr_99999999999999999999999999999999";

/// A configuration for the harness's simulator whose rules send the three kinds of id.
std::string write_config(const GatewayHarness& harness, const std::string& key_env) {
  const std::string path = (harness.dir() / "online.yaml").string();
  std::ofstream(path) << "state: { database: " << (harness.dir() / "online.db").string() << " }\n"
                      << "viewer_api:\n"
                      << "  base_url: " << const_cast<GatewayHarness&>(harness).simulator().base_url() << "\n"
                      << "  api_key_env: " << key_env << "\n"
                      << "  ca_file: " << (harness.dir() / "viewer-ca.pem").string() << "\n"
                      << "routing:\n"
                      << "  rules:\n"
                      << "    - name: closed-site\n"
                      << "      match: { StationName: OLD }\n"
                      << "      assign: { express_customer_id: " << kInactive << " }\n"
                      << "    - name: typo\n"
                      << "      match: { StationName: NEW }\n"
                      << "      assign: { express_customer_id: " << kUnknown << " }\n"
                      << "    - name: locum\n"
                      << "      match: { StationName: LOCUM }\n"
                      << "      assign: { assigned_to: " << kUnknownUser << ", express_customer_id: "
                      << kCustomer << " }\n"
                      << "  default:\n"
                      << "    assign: { express_customer_id: " << kCustomer << " }\n";
  return path;
}

TEST(OnlineChecks, CheckConfigNamesAnUnknownAndAnInactiveCustomerAndAnUnknownUser) {
  GatewayHarness harness;
  ::setenv("GW_ONLINE_KEY", kApiKey.c_str(), 1);
  std::string out;
  const int rc = run_command(kGatewayBinary,
                             {"check-config", "--online", "--config", write_config(harness, "GW_ONLINE_KEY")},
                             out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("API key: accepted"), std::string::npos) << out;
  EXPECT_NE(out.find(std::string("customer ") + kUnknown + ": unknown to the viewer"), std::string::npos) << out;
  EXPECT_NE(out.find(std::string("customer ") + kInactive + " (Closed Clinic): inactive"), std::string::npos) << out;
  EXPECT_NE(out.find(kCustomer + " (City Medical Center): active"), std::string::npos) << out;
  EXPECT_NE(out.find(std::string("user ") + kUnknownUser + ": unknown to the viewer"), std::string::npos)
      << "GET /viewer/users/{userId} answered 404:\n" << out;
  EXPECT_NE(out.find("3 problems found online"), std::string::npos) << out;
}

TEST(OnlineChecks, CheckConfigReportsAWrongKeyAsSuchAndNeverPrintsIt) {
  GatewayHarness harness;
  ::setenv("GW_WRONG_KEY", "wrong-key-4242", 1);
  std::string out;
  const int rc = run_command(kGatewayBinary,
                             {"check-config", "--online", "--config", write_config(harness, "GW_WRONG_KEY")},
                             out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("the key is wrong or revoked"), std::string::npos) << out;
  EXPECT_EQ(out.find("wrong-key-4242"), std::string::npos) << out;
}

TEST(OnlineChecks, StudiesVerifyReportsAStudyCancelledInTheViewer) {
  GatewayHarness harness;
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description"),
                                            harness.fixture("mr_brain_latin1_i1")})
                  .associated);
  ASSERT_TRUE(harness.wait_for_registrations(2));
  const auto registered = harness.gateway().wait_for_line("event=study_registered", std::chrono::seconds(1));
  ASSERT_TRUE(registered);
  const std::string cancelled_id = log_field(*registered, "study_id");
  const std::string cancelled_uid = log_field(*registered, "study_uid");

  ::setenv("GW_TEST_API_KEY", kApiKey.c_str(), 1);  // the key the daemon's configuration names
  std::string out;
  EXPECT_EQ(run_command(kGatewayBinary, {"studies", "verify", "--config", harness.config_path()}, out), 0)
      << out;
  EXPECT_NE(out.find("2 registered studies checked, 0 not as registered"), std::string::npos) << out;

  ASSERT_TRUE(harness.simulator().cancel_study(cancelled_id));
  EXPECT_EQ(run_command(kGatewayBinary, {"studies", "verify", "--config", harness.config_path()}, out), 1);
  EXPECT_NE(out.find(cancelled_uid + "\t" + cancelled_id + "\tcancelled in the viewer"), std::string::npos)
      << out;
  EXPECT_NE(out.find("1 not as registered"), std::string::npos) << out;
}

}  // namespace
}  // namespace gw::test
