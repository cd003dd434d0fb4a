// A Storage Commitment SCU that is not ours: Debian's Orthanc, started by the test with its own
// configuration (temporary folders, free ports, loopback only), stores a study to the gateway
// and asks for Storage Commitment through its REST API; its report says success. Then it names
// an instance it never sent, and its report says failure. Skipped only without the binary.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "commitment_peers.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

const char* kOrthanc = "/usr/sbin/Orthanc";

/// curl's answer body (the REST API on 127.0.0.1 only); empty on failure.
std::string http(const std::string& method, const std::string& url, const std::string& body = "",
                 const std::string& data_file = "") {
  std::string command = "curl -s -X " + method + " ";
  if (!data_file.empty()) command += "--data-binary @" + data_file + " ";
  if (!body.empty()) {
    const std::string file = std::filesystem::temp_directory_path() /
                             ("orthanc-body-" + std::to_string(::getpid()) + ".json");
    std::ofstream(file) << body;
    command += "--data-binary @" + file + " ";
  }
  command += "'" + url + "'";
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

boost::json::value parse(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return ec ? boost::json::value() : value;
}

class OrthancRequester : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kOrthanc)) {
      GTEST_SKIP() << kOrthanc << " is missing: apt-get install orthanc (scripts/install-deps)";
    }
    harness.add_dicom_setting("  peers:\n    - { ae_title: ORTHANC, host: 127.0.0.1, port: " +
                              std::to_string(dicom_port) + " }\n");
    harness.start_gateway();
    const auto dir = harness.dir() / "orthanc";
    std::filesystem::create_directories(dir / "db");
    boost::json::object config{
        {"Name", "gateway-test"},
        {"DicomAet", "ORTHANC"},
        {"DicomPort", dicom_port},
        {"HttpPort", http_port},
        {"StorageDirectory", (dir / "db").string()},
        {"IndexDirectory", (dir / "db").string()},
        {"RemoteAccessAllowed", false},
        {"AuthenticationEnabled", false},
        {"HttpServerEnabled", true},
        {"DicomServerEnabled", true},
        {"Plugins", boost::json::array()},
        {"DicomModalities",
         boost::json::object{{"gateway", boost::json::array{"AVARA_GW", "127.0.0.1",
                                                             harness.sender().port}}}}};
    const auto config_file = dir / "orthanc.json";
    std::ofstream(config_file) << boost::json::serialize(config);
    orthanc = std::make_unique<ChildProcess>(kOrthanc, std::vector<std::string>{config_file.string()});
    base = "http://127.0.0.1:" + std::to_string(http_port);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline && http("GET", base + "/system").empty()) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_FALSE(http("GET", base + "/system").empty()) << orthanc->output();
  }
  void TearDown() override {
    if (orthanc) orthanc->stop(SIGTERM);
  }

  /// Orthanc's job says Success or Failure for the commitment of `instances` (SOP class and
  /// instance UIDs); the report, as Orthanc's REST API shows it.
  boost::json::object commit(const std::vector<std::pair<std::string, std::string>>& instances) {
    boost::json::array list;
    for (const auto& [sop_class, sop_instance] : instances) {
      list.push_back(boost::json::object{{"SOPClassUID", sop_class}, {"SOPInstanceUID", sop_instance}});
    }
    const std::string started = http(
        "POST", base + "/modalities/gateway/storage-commitment",
        boost::json::serialize(boost::json::object{{"DicomInstances", list}, {"Timeout", 30}}));
    const auto answer = parse(started);
    EXPECT_TRUE(answer.is_object()) << started;
    if (!answer.is_object() || !answer.as_object().contains("Path")) return {};
    const std::string path = std::string(answer.at("Path").as_string());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    boost::json::value report;
    while (std::chrono::steady_clock::now() < deadline) {
      report = parse(http("GET", base + path));
      if (report.is_object() && report.at("Status") != "Pending") break;
      std::this_thread::sleep_for(200ms);
    }
    return report.is_object() ? report.as_object() : boost::json::object{};
  }

  GatewayHarness harness;
  std::uint16_t dicom_port = free_port();
  std::uint16_t http_port = free_port();
  std::unique_ptr<ChildProcess> orthanc;
  std::string base;
};

TEST_F(OrthancRequester, OrthancStoresAStudyAndItsStorageCommitmentReportsSuccess) {
  std::vector<std::pair<std::string, std::string>> sops;
  boost::json::array ids;
  for (const char* fixture : {"ct_chest_s1_i1", "ct_chest_s1_i2", "ct_chest_s2_i1"}) {
    const auto uploaded = parse(http("POST", base + "/instances", "", harness.fixture(fixture)));
    ASSERT_TRUE(uploaded.is_object()) << orthanc->output();
    ids.push_back(uploaded.at("ID"));
    sops.push_back(sop_of(harness.fixture(fixture)));
  }
  const std::string stored = http("POST", base + "/modalities/gateway/store",
                                  boost::json::serialize(boost::json::object{{"Resources", ids}}));
  ASSERT_TRUE(parse(stored).is_object()) << stored << orthanc->output();

  const auto report = commit(sops);
  EXPECT_EQ(report.contains("Status") ? std::string(report.at("Status").as_string()) : "",
            "Success")
      << boost::json::serialize(report) << "\n" << harness.gateway().output() << orthanc->output();
  EXPECT_TRUE(harness.gateway().wait_for_line("commitment_reported", 5s));
}

TEST_F(OrthancRequester, AnInstanceOrthancNeverSentIsReportedAsAFailure) {
  const auto uploaded = parse(http("POST", base + "/instances", "", harness.fixture("cr_no_description")));
  ASSERT_TRUE(uploaded.is_object()) << orthanc->output();
  http("POST", base + "/modalities/gateway/store",
       boost::json::serialize(boost::json::object{{"Resources", boost::json::array{uploaded.at("ID")}}}));
  const auto sent = sop_of(harness.fixture("cr_no_description"));
  const auto report = commit({sent, {sent.first, "1.2.826.0.1.3680043.10.543.999.2"}});
  EXPECT_EQ(report.contains("Status") ? std::string(report.at("Status").as_string()) : "",
            "Failure")
      << boost::json::serialize(report) << "\n" << harness.gateway().output();
  const std::string text = boost::json::serialize(report);
  EXPECT_NE(text.find("1.2.826.0.1.3680043.10.543.999.2"), std::string::npos) << text;
  EXPECT_NE(text.find("274"), std::string::npos) << "FailureReason 0x0112 = 274: " << text;
}

}  // namespace
}  // namespace gw::test
