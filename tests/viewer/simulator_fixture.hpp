#pragma once
// A GoogleTest fixture that runs the Viewer API simulator in-process over real TLS and drives a
// client's io_context until the handlers a test waits for have run, under a watchdog.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "gateway/viewer/https_viewer_client.hpp"
#include "gateway/viewer/wire_format.hpp"
#include "temp_dir.hpp"
#include "viewer_simulator.hpp"

namespace gw::viewer::testing {

using namespace std::chrono_literals;

inline constexpr auto watchdog = std::chrono::seconds(20);

/// A create body for study number `n` (UID ends in 1000 + n).
inline std::string study_uid(int n) { return "1.2.826.0.1.3680043.8.498." + std::to_string(1000 + n); }
inline std::string study_body(int n = 0) {
  gw::RegistrationRequest r;
  r.study_instance_uid = study_uid(n);
  r.study_description = "Brain MRI with Contrast";
  r.severity = gw::Severity::high;
  return gw::viewer::to_json(r);
}

inline std::unique_ptr<gw::sim::ViewerSimulator> start_simulator(
    gw::sim::SimulatorOptions options = {}) {
  auto sim = std::make_unique<gw::sim::ViewerSimulator>(std::move(options));
  sim->start();
  return sim;
}

/// One simulator (sim_, trusted through ca_file_) and one io_context per test.
class SimulatorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = start_simulator();
    ca_file_ = trust(*sim_, "sim-ca.pem");
  }

  // Writes a simulator's certificate where a client can load it as its CA file.
  std::string trust(const gw::sim::ViewerSimulator& sim, const std::string& name) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << sim.certificate_pem();
    return path;
  }

  // The developer's or CI's proxy variables must not reroute loopback tests.
  ViewerClientSettings settings_for(const gw::sim::ViewerSimulator& sim,
                                    const std::string& ca_file) {
    ViewerClientSettings s;
    s.base_url = sim.base_url();
    s.api_key = "sim-key";
    s.ca_file = ca_file;
    s.timeout = 5s;
    s.ignore_proxy_environment = true;
    return s;
  }
  ViewerClientSettings settings() { return settings_for(*sim_, ca_file_); }

  std::shared_ptr<HttpsViewerClient> make_client(const ViewerClientSettings& s) {
    auto client = HttpsViewerClient::create(ioc_.get_executor(), s);
    EXPECT_TRUE(client) << client.error().message();
    return client ? *client : nullptr;
  }
  std::shared_ptr<HttpsViewerClient> make_client() { return make_client(settings()); }

  // Runs the io_context until `done` holds; false when the watchdog fires first.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + watchdog;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_for(10ms);
    }
    return true;
  }

  // Starts a call with a handler that keeps the outcome, and waits for it.
  template <class Outcome>
  Outcome await(const std::function<void(std::function<void(Outcome)>)>& start) {
    std::optional<Outcome> outcome;
    start([&](Outcome o) { outcome = std::move(o); });
    EXPECT_TRUE(run_until([&] { return outcome.has_value(); })) << "watchdog fired";
    if (!outcome) outcome.emplace().failure.error = "no answer";
    return *outcome;
  }

  CreateOutcome create_one(HttpsViewerClient& client, const std::string& key = "key-1", int n = 0) {
    std::optional<CreateOutcome> outcome;
    client.create_study(study_body(n), key, [&](CreateOutcome o) { outcome = std::move(o); });
    EXPECT_TRUE(run_until([&] { return outcome.has_value(); })) << "watchdog fired";
    if (!outcome) outcome.emplace().error = "no answer";
    return *outcome;
  }

  gw::test::TempDir dir_;
  boost::asio::io_context ioc_;
  std::unique_ptr<gw::sim::ViewerSimulator> sim_;
  std::string ca_file_;
};

}  // namespace gw::viewer::testing
