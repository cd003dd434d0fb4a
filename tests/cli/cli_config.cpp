#include "cli_config.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "gateway_harness.hpp"

namespace gw::test {

CliConfig::CliConfig() {
  socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

CliConfig::~CliConfig() { ::close(socket_); }

std::string CliConfig::write() const {
  const std::string path = (dir_ / "gateway.yaml").string();
  std::ofstream(path) << "dicom: { port: 0, bind: 127.0.0.1 }\n"
                      << "storage: { spool_dir: " << (dir_ / "spool").string() << " }\n"
                      << "state: { database: " << database() << " }\n"
                      << "viewer_api:\n"
                      << "  base_url: https://127.0.0.1:" << port_ << "/v1\n"
                      << "  api_key_env: " << kKeyVariable << "\n"
                      << "  timeout: 2s\n"
                      << "metrics: { listen: '127.0.0.1:0' }\n"  // tests run in parallel
                      << test_routing_yaml();
  return path;
}

}  // namespace gw::test
