// The shipped unit file: systemd accepts it, and its hardening keeps the exposure score
// "OK" (2.0 or lower) in systemd-analyze security.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "temp_dir.hpp"
#include "text_file.hpp"

namespace gw::test {
namespace {

const std::string kUnit = std::string(GW_SOURCE_DIR) + "/systemd/dicom-gateway.service";
const std::string kSystemdAnalyze = "/usr/bin/systemd-analyze";

/// The unit with ExecStart pointing at the binary just built: verify checks that the
/// executable exists, and /usr/bin/dicom-gateway does not on a build machine.
std::string unit_for_this_build(const TempDir& dir) {
  std::string text = read_file(kUnit);
  const std::string installed = "/usr/bin/dicom-gateway";
  for (auto at = text.find(installed); at != std::string::npos; at = text.find(installed, at + 1)) {
    text.replace(at, installed.size(), GW_GATEWAY_BINARY);
  }
  const std::string path = (dir / "dicom-gateway.service").string();
  std::ofstream(path) << text;
  return path;
}

class SystemdUnit : public testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSystemdAnalyze)) {
      GTEST_SKIP() << kSystemdAnalyze << " is absent: install the systemd package to check the unit";
    }
  }
  TempDir dir_;
};

TEST_F(SystemdUnit, SystemdAnalyzeVerifyAcceptsTheUnit) {
  std::string output;
  const int rc = run_command(kSystemdAnalyze, {"verify", unit_for_this_build(dir_)}, output);
  EXPECT_EQ(rc, 0) << output;
  EXPECT_EQ(output.find("Unknown key"), std::string::npos) << output;
  EXPECT_EQ(output.find("Invalid"), std::string::npos) << output;
}

TEST_F(SystemdUnit, ExposureScoreIsOkAtTwoOrLower) {
  std::string output;
  const int rc = run_command(kSystemdAnalyze,
                             {"security", "--offline=true", unit_for_this_build(dir_)}, output);
  ASSERT_EQ(rc, 0) << output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(output, m, std::regex(R"(Overall exposure level for \S+: ([0-9.]+))")))
      << output;
  const double exposure = std::stod(m[1]);
  RecordProperty("exposure", m[1].str());
  EXPECT_LE(exposure, 2.0) << output;
}

TEST_F(SystemdUnit, DeclaresTheNotifyProtocolWatchdogAndCredential) {
  const std::string text = read_file(kUnit);
  for (const char* line : {"Type=notify\n", "WatchdogSec=", "Restart=on-failure\n",
                           "LoadCredential=viewer-api-key:", "StateDirectory=dicom-gateway\n",
                           "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n",
                           "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n",
                           "SystemCallFilter=@system-service\n", "MemoryDenyWriteExecute=yes\n",
                           "ExecReload=/bin/kill -HUP $MAINPID\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line;
  }
}

}  // namespace
}  // namespace gw::test
