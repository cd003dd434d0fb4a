// The viewer-simulator executable, run as scripts/run runs it: a separate process that
// prints where it listens, writes its certificate for the gateway to trust, logs each call
// without the key, and exits 0 on SIGTERM or SIGINT. Its stdout and stderr are read as one
// stream of lines (gw::test::ChildProcess, as the gateway's integration tests read it).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "https_test_client.hpp"
#include "temp_dir.hpp"
#include "text_file.hpp"

namespace gw::sim::test {
namespace {

using namespace std::chrono_literals;
using gw::test::read_file;

struct StopSignal {
  int number;
  const char* name;
};
void PrintTo(const StopSignal& signal, std::ostream* out) { *out << signal.name; }

class TheExecutable : public ::testing::TestWithParam<StopSignal> {
 protected:
  gw::test::TempDir dir_;
};

TEST_P(TheExecutable, ServesTheApiOnTheUrlItPrintsAndExitsZeroOnTheSignal) {
  const std::string secret = "process-test-secret-key";
  gw::test::ChildProcess child(VIEWER_SIMULATOR_EXE,
                               {"--port", "0", "--api-key-env", "SIM_TEST_KEY", "--cert-out",
                                (dir_ / "ca.pem").string(), "--latency", "1ms"},
                               {{"SIM_TEST_KEY", secret}});

  const auto line = child.wait_for_line("viewer-simulator listening on", 10s);
  ASSERT_TRUE(line) << child.output();
  static const std::regex announcement(
      R"(viewer-simulator listening on https://127\.0\.0\.1:(\d+)/v1)");
  std::smatch url;
  ASSERT_TRUE(std::regex_match(*line, url, announcement)) << *line;
  const auto port = static_cast<std::uint16_t>(std::stoi(url[1]));

  HttpsTestClient client(port, read_file(dir_ / "ca.pem"));
  const Exchange created = client.send(make_request(
      http::verb::post, "/v1/viewer/studies",
      R"({"studyInstanceUid":"1.2.3","studyDescription":"CT","severity":"stat"})", secret));
  ASSERT_EQ(created.status(), 201) << created.response.body();
  EXPECT_EQ(client.send(make_request(http::verb::get, "/v1/express", {}, "wrong")).status(), 401);
  const Exchange recorded = client.send(make_request(http::verb::get, "/_sim/requests", {}, ""));
  EXPECT_EQ(recorded.json().as_array().size(), 2u);

  EXPECT_EQ(child.stop(GetParam().number, 10s), 0);

  // stdout and stderr arrive through one pipe read by another thread: wait for the lines.
  const std::string id(created.json().at("studyId").as_string());
  EXPECT_TRUE(child.wait_for_line("POST /v1/viewer/studies 201 study=" + id + " uid=1.2.3", 5s))
      << child.output();
  EXPECT_TRUE(child.wait_for_line("GET /v1/express 401", 5s)) << child.output();
  EXPECT_EQ(child.output().find(secret), std::string::npos) << "the API key leaked into the log";
}

INSTANTIATE_TEST_SUITE_P(WhenStoppedBy, TheExecutable,
                         ::testing::Values(StopSignal{SIGTERM, "Sigterm"},
                                           StopSignal{SIGINT, "Sigint"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(TheExecutableWithoutItsKeyVariable, RefusesToStart) {
  gw::test::ChildProcess child(VIEWER_SIMULATOR_EXE, {"--api-key-env", "SIM_TEST_UNSET_VARIABLE"});
  EXPECT_EQ(child.wait_exit(10s), 2);
  EXPECT_TRUE(child.wait_for_line("SIM_TEST_UNSET_VARIABLE", 5s)) << child.output();
}

}  // namespace
}  // namespace gw::sim::test
