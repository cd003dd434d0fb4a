#pragma once
// A fleet for system tests (issue 19): three real dicom-gateway processes sharing one real
// PostgreSQL 15, behind a real HAProxy in TCP mode, registering to one in-process Viewer API
// simulator over TLS. Everything it starts it stops, in reverse order, when it is destroyed.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "dicom_sender.hpp"
#include "haproxy_server.hpp"
#include "postgres_server.hpp"
#include "temp_dir.hpp"
#include "viewer_simulator.hpp"

namespace gw::test {

inline const std::string kFleetGatewayBinary = GW_GATEWAY_BINARY;
inline const std::string kFleetApiKey = "fleet-api-key-0123";

/// How the fleet is set up. Value type, read once by the harness's constructor.
struct FleetOptions {
  int nodes = 3;  // named gw-a, gw-b, ...
  std::string claim_lease = "10s";
  std::string viewer_timeout = "5s";
  std::string retry_yaml = "{ initial: 100ms, max: 1s }";
  int max_in_flight = 2;
  int max_associations = 8;
  bool ignore_idempotency = false;
};

/// A study as `studies list --json` shows it on one node. Value type.
struct FleetStudy {
  std::string state, study_id, received_by, claimed_by, registered_by;
};

/// One gateway process of the fleet and what the test knows about it. Owned by the harness.
struct FleetNode {
  std::string name;
  std::filesystem::path folder;  // its config and spool live here
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;          // its own DICOM port (HAProxy's backend)
  std::uint16_t metrics_port = 0;  // /metrics, /healthz, /readyz
  bool killed = false;
  std::string config_path() const { return (folder / "gateway.yaml").string(); }
};

/// /readyz as a client sees it: the HTTP status (0: no answer) and the body.
struct Readyz {
  int status = 0;
  std::string body;
};

/// Owns the simulator, PostgreSQL, the gateways and HAProxy of one test. Constructed and
/// destroyed on the test's main thread (the children die with the thread that started them).
class FleetHarness {
 public:
  /// Starts everything, waits until HAProxy sees every node ready; fails the test (fatal
  /// failure, check HasFatalFailure) when a part does not come up.
  explicit FleetHarness(FleetOptions options = {});
  ~FleetHarness();
  FleetHarness(const FleetHarness&) = delete;
  FleetHarness& operator=(const FleetHarness&) = delete;

  /// Associations through the balancer.
  SendOptions balancer() const;
  /// Associations straight to node `i`, bypassing the balancer.
  SendOptions direct(int i) const;

  /// SIGKILL, as a crash or an OOM kill would; the node stays down.
  void kill_node(int i);
  /// Stops PostgreSQL (fast shutdown; `crash`: immediate, recovering from its WAL at the next
  /// start) / starts it again on the same port and data. Main thread only: the server dies
  /// with the thread that started it.
  void stop_database(bool crash = false);
  void start_database();

  /// `dicom-gateway studies list --json --config <node i>`, by StudyInstanceUID; nullopt when
  /// the command fails (e.g. while the database is down). `error` gets its output then.
  std::optional<std::map<std::string, FleetStudy>> studies(int i, std::string* error = nullptr) const;
  /// GET /readyz on node i's metrics port.
  Readyz readyz(int i) const;

  /// POST /viewer/studies per StudyInstanceUID the simulator received (each one a new study
  /// when the simulator ignores Idempotency-Key).
  std::map<std::string, int> creates_per_study() const;
  /// Waits (watchdog) until `studies(i)` shows every uid in `uids` registered.
  bool wait_registered(int i, const std::vector<std::string>& uids,
                       std::chrono::milliseconds timeout) const;

  sim::ViewerSimulator& simulator() { return *simulator_; }
  HaproxyServer& haproxy() { return *haproxy_; }
  FleetNode& node(int i) { return nodes_.at(static_cast<std::size_t>(i)); }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  /// Every node's name.
  std::vector<std::string> node_names() const;
  /// Every node's output, for failure messages.
  std::string logs() const;
  /// Lines containing `needle` over every node's output.
  int count_lines(const std::string& needle) const;
  const TempDir& dir() const { return dir_; }

 private:
  void start_all();  // the constructor's work, apart so that ASSERT_* may return from it
  void start_node(FleetNode& node);
  std::string node_config(const FleetNode& node) const;

  FleetOptions options_;
  TempDir dir_;
  std::unique_ptr<sim::ViewerSimulator> simulator_;
  std::unique_ptr<PostgresServer> postgres_;
  std::vector<FleetNode> nodes_;
  std::unique_ptr<HaproxyServer> haproxy_;
};

}  // namespace gw::test
