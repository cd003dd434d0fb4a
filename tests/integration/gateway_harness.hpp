#pragma once
// A gateway process and its upstream, for end-to-end tests: an in-process Viewer API
// simulator over TLS, a configuration file in a temporary folder, the real binary.
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "dicom_sender.hpp"
#include "temp_dir.hpp"
#include "viewer_simulator.hpp"

namespace gw::test {

inline const std::string kFixtures = GW_FIXTURE_DIR;
inline const std::string kGatewayBinary = GW_GATEWAY_BINARY;
inline const std::string kApiKey = "test-api-key-0123";
inline const std::string kUser = "usr_0123456789abcdef0123456789abcdef";
inline const std::string kCustomer = "cus_0123456789abcdef0123456789abcdef";
inline const std::string kOtherCustomer = "cus_00000000000000000000000000000001";

/// The routing part of the test configuration: CT from TEST_SCU is urgent, phantoms are
/// ignored, everything else goes to the second site.
std::string test_routing_yaml();

/// Owns the simulator, the temporary folder and the gateway process. One per test.
class GatewayHarness {
 public:
  GatewayHarness();
  ~GatewayHarness();

  /// Writes the configuration (with `extra_yaml` appended at the top level) and starts the
  /// gateway; fails the test if it does not report ready.
  void start_gateway(const std::string& extra_yaml = "");
  /// Writes the configuration start_gateway(extra_yaml) would write, without starting the
  /// gateway (for `check-config`, or to start it some other way).
  void write_config(const std::string& extra_yaml = "");
  /// The gateway reads its key from a file (mode 0600) holding `key` instead of the
  /// environment; call before start_gateway(), and again to replace the key.
  void write_api_key_file(const std::string& key);
  /// Adds `key: value` under `storage:` in the configuration of the next start_gateway().
  void add_storage_setting(const std::string& key, const std::string& value) {
    storage_extra_ += "  " + key + ": " + value + "\n";
  }
  /// Adds lines (indented two spaces, e.g. "  tls:\n    enabled: true\n") under `dicom:` in
  /// the configuration of the next start_gateway().
  void add_dicom_setting(const std::string& lines) { dicom_extra_ += lines; }
  /// The DICOM TLS port the gateway logged as ready; 0 without dicom.tls.
  std::uint16_t tls_port() const { return tls_port_; }
  /// Sets an environment variable for the next start_gateway() (the API key's is always set).
  void set_environment(const std::string& name, const std::string& value) { environment_[name] = value; }
  void clear_environment() { environment_.clear(); }
  /// Replaces viewer_api.retry (default `{ initial: 100ms, max: 1s }`) of the next start.
  void set_retry_yaml(std::string yaml) { retry_yaml_ = std::move(yaml); }
  /// Replaces the `routing:` section (test_routing_yaml()) of the next start_gateway().
  void set_routing_yaml(std::string yaml) { routing_yaml_ = std::move(yaml); }
  /// SIGTERM, and the exit code.
  int stop_gateway();

  SendOptions sender() const;
  /// Waits until `count` study_registered lines were logged (watchdog, not sleep).
  bool wait_for_registrations(int count, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Every POST /viewer/studies the simulator received, bodies parsed.
  std::vector<boost::json::object> create_bodies() const;
  std::vector<sim::RecordedRequest> creates() const;
  /// `studies list --json`, as a map from StudyInstanceUID to (state, studyId).
  std::map<std::string, std::pair<std::string, std::string>> registry_view() const;
  /// Runs `dicom-gateway ARGS… --config <this config>`; returns its exit code and output.
  int studies_command(const std::vector<std::string>& args, std::string& output) const;

  sim::ViewerSimulator& simulator() { return *simulator_; }
  ChildProcess& gateway() { return *gateway_; }
  const TempDir& dir() const { return dir_; }
  std::string config_path() const { return (dir_ / "gateway.yaml").string(); }
  /// The port of GET /metrics, /healthz and /readyz (127.0.0.1).
  std::uint16_t metrics_port() const { return metrics_port_; }
  std::string fixture(const std::string& name) const { return kFixtures + "/" + name + ".dcm"; }

 private:
  TempDir dir_;
  std::unique_ptr<sim::ViewerSimulator> simulator_;
  std::unique_ptr<ChildProcess> gateway_;
  std::uint16_t port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::string dicom_extra_;
  std::string storage_extra_;
  std::string routing_yaml_;
  std::map<std::string, std::string> environment_;
  std::string retry_yaml_ = "{ initial: 100ms, max: 1s }";
  std::string api_key_file_;  // empty: the key comes from the environment
};

}  // namespace gw::test
