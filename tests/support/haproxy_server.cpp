#include "haproxy_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gw::test {
namespace {

using namespace std::chrono_literals;

const std::string kHaproxy = "/usr/sbin/haproxy";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(text);
  while (std::getline(in, field, separator)) out.push_back(field);
  return out;
}

/// One row of `show stat` per backend server: name to (status, check_status).
std::map<std::string, std::pair<std::string, std::string>> parse_stats(const std::string& csv) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      header = split(line.substr(2), ',');
      continue;
    }
    if (line.empty() || header.empty()) continue;
    const auto fields = split(line, ',');
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    if (row["pxname"] != "gateways" || row["svname"] == "BACKEND") continue;
    out[row["svname"]] = {row["status"], row["check_status"]};
  }
  return out;
}

}  // namespace

std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

HaproxyServer::HaproxyServer(std::filesystem::path folder, std::vector<HaproxyBackend> backends,
                             std::chrono::milliseconds check_interval)
    : folder_(std::move(folder)), backends_(std::move(backends)), check_interval_(check_interval) {
  std::filesystem::create_directories(folder_);
  char socket_dir[] = "/tmp/haproxy-XXXXXX";
  if (!::mkdtemp(socket_dir)) throw std::runtime_error("mkdtemp failed");
  socket_dir_ = socket_dir;
  // A free port can be taken by another test between the probe and HAProxy's bind: try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_tcp_port();
    const std::string config = write_config(port_);
    // setpriv: the kernel kills HAProxy if the test dies without its destructors (a timeout).
    process_ = std::make_unique<ChildProcess>(
        "/usr/bin/setpriv",
        std::vector<std::string>{"--pdeathsig", "KILL", "--", kHaproxy, "-db", "-f", config});
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!stats_command("show info\n").empty()) return;
      if (process_->output().find("[ALERT]") != std::string::npos) break;
      std::this_thread::sleep_for(20ms);  // polls the stats socket until HAProxy listens
    }
    const std::string failure = process_->output();
    process_->stop(SIGKILL);
    if (failure.find("cannot bind") == std::string::npos) {
      std::filesystem::remove_all(socket_dir_);
      throw std::runtime_error("haproxy did not start:\n" + failure);
    }
  }
  std::filesystem::remove_all(socket_dir_);
  throw std::runtime_error("haproxy found no free port in five tries");
}

HaproxyServer::~HaproxyServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(socket_dir_, ignored);
}

void HaproxyServer::stop() {
  if (process_) process_->stop(SIGTERM, 10s);
}

std::string HaproxyServer::write_config(std::uint16_t port) const {
  const auto path = folder_ / "haproxy.cfg";
  std::ofstream out(path, std::ios::trunc);
  // TCP mode: a DICOM association is one connection, so round robin spreads associations.
  // The check asks each node's metrics port for /readyz; fall 1 / rise 1 makes one answer
  // decide, so a test waits on HAProxy's state rather than on the interval.
  out << "global\n"
         "  maxconn 512\n"
         "  stats socket " << (socket_dir_ / "haproxy.sock").string() << " mode 600 level admin\n"
         "defaults\n"
         "  mode tcp\n"
         "  timeout connect 2s\n"
         "  timeout client 120s\n"
         "  timeout server 120s\n"
         "  timeout check 1s\n"
         "frontend dicom\n"
         "  bind 127.0.0.1:" << port << "\n"
         "  default_backend gateways\n"
         "backend gateways\n"
         "  balance roundrobin\n"
         "  option httpchk GET /readyz\n"
         "  http-check expect status 200\n"
         "  default-server inter " << check_interval_.count() << "ms fall 1 rise 1\n";
  for (const auto& b : backends_) {
    out << "  server " << b.name << " 127.0.0.1:" << b.port << " check port " << b.check_port
        << "\n";
  }
  return path.string();
}

std::string HaproxyServer::stats_command(const std::string& command) const {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = (socket_dir_ / "haproxy.sock").string();
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::write(fd, command.data(), command.size()) == static_cast<ssize_t>(command.size())) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

std::map<std::string, std::string> HaproxyServer::backend_states() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, state] : parse_stats(stats_command("show stat\n"))) out[name] = state.first;
  return out;
}

bool HaproxyServer::wait_for_state(const std::string& name, const std::string& state,
                                   std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto states = backend_states();
    const auto it = states.find(name);
    if (it != states.end() && it->second == state) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);  // polls the stats socket
  }
}

bool HaproxyServer::wait_all_up(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto stats = parse_stats(stats_command("show stat\n"));
    bool all = stats.size() == backends_.size();
    for (const auto& [name, state] : stats) {
      all = all && state.first == "UP" && state.second.find("L7OK") != std::string::npos;
    }
    if (all) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);  // polls the stats socket
  }
}

}  // namespace gw::test
