// The dicom-gateway command line as an administrator uses it.
#include <gtest/gtest.h>

#include <fstream>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(CheckConfig, ReportsEveryErrorWithItsFileLineAndColumn) {
  TempDir dir;
  const std::string path = write(dir, "bad.yaml",
                                 "dicom:\n"                                   // 1
                                 "  ae_title: AVARA_GW\n"                     // 2
                                 "  colour: blue\n"                           // 3
                                 "routing:\n"                                 // 4
                                 "  rules:\n"                                 // 5
                                 "    - name: broken\n"                       // 6
                                 "      match:\n"                             // 7
                                 "        StudyDescription: { regex: \"(unclosed\" }\n"  // 8
                                 "      assign:\n"                            // 9
                                 "        assigned_to: usr_nothex\n");        // 10
  std::string output;
  EXPECT_EQ(run_command(kGatewayBinary, {"check-config", "--config", path}, output), 1);
  EXPECT_NE(output.find(path + ":3:3: unknown key 'colour' in 'dicom'"), std::string::npos) << output;
  EXPECT_NE(output.find(path + ":8:"), std::string::npos) << "the regex, on its line:\n" << output;
  EXPECT_NE(output.find(path + ":10:"), std::string::npos) << "the user id, on its line:\n" << output;
}

TEST(CheckConfig, AcceptsTheDocumentedExample) {
  TempDir dir;
  const std::string path = write(dir, "good.yaml",
                                 "dicom: { ae_title: AVARA_GW, port: 11112 }\n" + test_routing_yaml());
  std::string output;
  EXPECT_EQ(run_command(kGatewayBinary, {"check-config", "--config", path}, output), 0) << output;
  EXPECT_NE(output.find("OK (2 routing rules)"), std::string::npos) << output;
}

TEST(CheckConfig, ASyntaxErrorIsLocatedToo) {
  TempDir dir;
  const std::string path = write(dir, "syntax.yaml", "dicom:\n  port: [1\n");
  std::string output;
  EXPECT_EQ(run_command(kGatewayBinary, {"check-config", "--config", path}, output), 1);
  EXPECT_NE(output.find(path + ":"), std::string::npos) << output;
  EXPECT_NE(output.find("YAML syntax error"), std::string::npos) << output;
}

TEST(Run, WithoutTheApiKeyInTheEnvironmentItSaysWhichVariableIsMissing) {
  TempDir dir;
  const std::string path = write(dir, "nokey.yaml",
                                 "dicom: { port: 0, bind: 127.0.0.1 }\n"
                                 "storage: { spool_dir: " + (dir / "spool").string() + " }\n"
                                 "state: { database: " + (dir / "state.db").string() + " }\n"
                                 "viewer_api: { api_key_env: GW_TEST_UNSET_KEY }\n");
  std::string output;
  EXPECT_EQ(run_command(kGatewayBinary, {"run", "--config", path}, output), 1);
  EXPECT_NE(output.find("GW_TEST_UNSET_KEY is not set"), std::string::npos) << output;
}

TEST(Studies, ListsEachStudyWithStateAttemptsAndStudyId) {
  GatewayHarness harness;
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description"),
                                            harness.fixture("ct_phantom")})
                  .associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  std::string output;
  ASSERT_EQ(run_command(kGatewayBinary, {"studies", "--config", harness.config_path()}, output), 0)
      << output;
  EXPECT_NE(output.find("1.2.826.0.1.3680043.10.543.3\tregistered\t1\tstu_"), std::string::npos)
      << output;
  EXPECT_NE(output.find("1.2.826.0.1.3680043.10.543.5\tignored\t0\t-"), std::string::npos) << output;
  EXPECT_EQ(output.find('#'), std::string::npos) << "plain TSV, no comment lines:\n" << output;
  ASSERT_EQ(run_command(kGatewayBinary, {"studies", "rule-hits", "--config", harness.config_path()},
                        output),
            0)
      << output;
  EXPECT_NE(output.find("ct-urgent\t0\nphantoms\t1\ndefault\t1\n"), std::string::npos)
      << "rule hits since start, dead rules at zero:\n" << output;
}

}  // namespace
}  // namespace gw::test
