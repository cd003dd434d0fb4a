#pragma once
// A ViewerSimulator started on port 0 inside the test, and shortcuts to talk to it.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <memory>

#include "https_test_client.hpp"
#include "viewer_simulator.hpp"

namespace gw::sim::test {

/// Starts a simulator per test (options from options(), which a derived fixture may change)
/// and stops it afterwards. Used from the test thread only.
class SimulatorTest : public ::testing::Test {
 public:
  /// A body that passes every rule, for tests to spoil one field at a time.
  static boost::json::object valid_study();

 protected:
  virtual SimulatorOptions options() const { return {}; }

  void SetUp() override {
    simulator_ = std::make_unique<ViewerSimulator>(options());
    simulator_->start();
    client_ = std::make_unique<HttpsTestClient>(simulator_->port(), simulator_->certificate_pem());
  }
  void TearDown() override { simulator_->stop(); }

  ViewerSimulator& simulator() { return *simulator_; }
  HttpsTestClient& client() { return *client_; }

  /// POST /v1/viewer/studies with `body` and, when not empty, an Idempotency-Key.
  Exchange post_study(const boost::json::object& body, const std::string& idempotency_key = {});
  /// GET `target` with the right key.
  Exchange get(const std::string& target);

 private:
  std::unique_ptr<ViewerSimulator> simulator_;
  std::unique_ptr<HttpsTestClient> client_;
};

}  // namespace gw::sim::test
