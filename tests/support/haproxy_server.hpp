#pragma once
// Debian's HAProxy as a TCP load balancer for fleet tests: round robin per connection in front
// of N backends, each taken out while its HTTP /readyz (on another port) does not answer 200.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace gw::test {

/// One backend: a name, the port traffic goes to, the port its /readyz is asked on. Value type.
struct HaproxyBackend {
  std::string name;
  std::uint16_t port = 0;
  std::uint16_t check_port = 0;
};

/// Owns one `haproxy -db` child (foreground, so the test's process owns it) and its config in
/// `folder`; stops it when destroyed, and the kernel kills it if the thread that constructed
/// it dies first. Constructed and used by one test thread.
class HaproxyServer {
 public:
  /// Starts on a free 127.0.0.1 port; health checks every `check_interval`, one failure takes
  /// a backend out and one success brings it back. Throws when HAProxy does not start.
  HaproxyServer(std::filesystem::path folder, std::vector<HaproxyBackend> backends,
                std::chrono::milliseconds check_interval = std::chrono::milliseconds(200));
  ~HaproxyServer();
  HaproxyServer(const HaproxyServer&) = delete;
  HaproxyServer& operator=(const HaproxyServer&) = delete;

  /// The port clients connect to.
  std::uint16_t port() const { return port_; }
  /// Each backend's state as HAProxy's stats say it ("UP", "DOWN", "UP 1/2", ...); empty map
  /// when the stats socket does not answer.
  std::map<std::string, std::string> backend_states() const;
  /// Waits (polling the stats socket) until `name` reports `state` ("UP" or "DOWN"); false at
  /// `timeout`.
  bool wait_for_state(const std::string& name, const std::string& state,
                      std::chrono::milliseconds timeout) const;
  /// Waits until every backend is UP after at least one passed check.
  bool wait_all_up(std::chrono::milliseconds timeout) const;
  /// HAProxy's own output (its warnings and alerts).
  std::string output() const { return process_ ? process_->output() : std::string(); }
  /// SIGTERM, waits for the exit. Idempotent.
  void stop();

 private:
  std::string write_config(std::uint16_t port) const;
  std::string stats_command(const std::string& command) const;

  std::filesystem::path folder_;
  std::filesystem::path socket_dir_;  // short, under /tmp: a unix socket path has 107 bytes
  std::vector<HaproxyBackend> backends_;
  std::chrono::milliseconds check_interval_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

/// A TCP port on 127.0.0.1 nothing listens on at the moment of the call (bound to 0, closed):
/// for servers that cannot bind port 0 and report the port themselves.
std::uint16_t free_tcp_port();

}  // namespace gw::test
