#pragma once
// A configuration for commands that need no running gateway: its state in a temporary
// folder, its viewer on a loopback port where nothing listens (held bound, never listening,
// so that a connection is refused at once and no other test can take the port).
#include <cstdint>
#include <string>

#include "temp_dir.hpp"

namespace gw::test {

/// Owns the folder and the closed port. One per test.
class CliConfig {
 public:
  CliConfig();
  ~CliConfig();
  CliConfig(const CliConfig&) = delete;
  CliConfig& operator=(const CliConfig&) = delete;

  /// Writes `gateway.yaml` (routing: test_routing_yaml()) and returns its path.
  std::string write() const;
  std::string database() const { return (dir_ / "state.db").string(); }
  std::uint16_t closed_port() const { return port_; }
  const TempDir& dir() const { return dir_; }
  /// The environment variable the configuration names for the API key.
  static constexpr const char* kKeyVariable = "GW_CLI_TEST_API_KEY";

 private:
  TempDir dir_;
  int socket_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace gw::test
