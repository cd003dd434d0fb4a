#include "fleet_harness.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

namespace gw::test {
namespace {

using namespace std::chrono_literals;

// The children get SIGKILL from the kernel if the test process dies without its destructors
// (a ctest timeout, a crash): no gateway or HAProxy outlives a run (PostgresServer does the
// same for its server).
const std::string kSetpriv = "/usr/bin/setpriv";
const std::string kCustomerId = "cus_0123456789abcdef0123456789abcdef";  // seeded in the simulator

std::string string_field(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

FleetHarness::FleetHarness(FleetOptions options) : options_(std::move(options)) { start_all(); }

void FleetHarness::start_all() {
  sim::SimulatorOptions sim_options;
  sim_options.api_key = kFleetApiKey;
  sim_options.ignore_idempotency = options_.ignore_idempotency;
  simulator_ = std::make_unique<sim::ViewerSimulator>(sim_options);
  simulator_->start();
  std::ofstream(dir_ / "viewer-ca.pem") << simulator_->certificate_pem();

  postgres_ = std::make_unique<PostgresServer>();
  postgres_->create_database("fleet");
  {
    std::ofstream(dir_ / "db-password", std::ios::trunc) << postgres_->password() << "\n";
  }
  std::filesystem::permissions(dir_ / "db-password", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);

  nodes_.resize(static_cast<std::size_t>(options_.nodes));
  for (int i = 0; i < options_.nodes; ++i) {
    auto& node = nodes_[static_cast<std::size_t>(i)];
    node.name = std::string("gw-") + static_cast<char>('a' + i);
    node.folder = dir_ / node.name;
    std::filesystem::create_directories(node.folder);
    start_node(node);
    if (::testing::Test::HasFatalFailure()) return;
  }

  std::vector<HaproxyBackend> backends;
  for (const auto& node : nodes_) backends.push_back({node.name, node.port, node.metrics_port});
  haproxy_ = std::make_unique<HaproxyServer>(dir_ / "haproxy", backends);
  ASSERT_TRUE(haproxy_->wait_all_up(30s)) << "HAProxy did not see every node ready:\n"
                                          << haproxy_->output() << logs();
}

FleetHarness::~FleetHarness() {
  // Reverse order of start: the balancer, the nodes (a clean stop, SIGKILL if it hangs), the
  // database, then the simulator (its own destructor).
  if (haproxy_) haproxy_->stop();
  for (auto& node : nodes_) {  // all at once: they drain in parallel
    if (node.process && !node.killed) ::kill(node.process->pid(), SIGTERM);
  }
  for (auto& node : nodes_) {
    if (node.process) node.process->stop(SIGTERM, 5s);  // a failed test must not wait long
  }
  postgres_.reset();
}

std::string FleetHarness::node_config(const FleetNode& node) const {
  return "node:\n"
         "  name: " + node.name + "\n"
         "dicom:\n"
         "  ae_title: AVARA_GW\n"
         "  bind: 127.0.0.1\n"
         "  port: 0\n"
         "  max_associations: " + std::to_string(options_.max_associations) + "\n"
         "storage:\n"
         "  spool_dir: " + (node.folder / "spool").string() + "\n"
         "state:\n"
         "  database: " + postgres_->uri("fleet") + "\n"
         "  password_file: " + (dir_ / "db-password").string() + "\n"
         "  claim_lease: " + options_.claim_lease + "\n"
         "viewer_api:\n"
         "  base_url: " + simulator_->base_url() + "\n"
         "  api_key_env: GW_TEST_API_KEY\n"
         "  ca_file: " + (dir_ / "viewer-ca.pem").string() + "\n"
         "  timeout: " + options_.viewer_timeout + "\n"
         "  max_in_flight: " + std::to_string(options_.max_in_flight) + "\n"
         "  retry: " + options_.retry_yaml + "\n"
         "metrics:\n"
         "  listen: 127.0.0.1:0\n"  // every gateway binds 9464 unless told otherwise
         "routing:\n"
         "  default:\n"
         "    assign: { express_customer_id: " + kCustomerId + " }\n";
}

void FleetHarness::start_node(FleetNode& node) {
  std::ofstream(node.config_path(), std::ios::trunc) << node_config(node);
  node.process = std::make_unique<ChildProcess>(
      kSetpriv,
      std::vector<std::string>{"--pdeathsig", "KILL", "--", kFleetGatewayBinary, "run",
                               "--config", node.config_path()},
      std::map<std::string, std::string>{{"GW_TEST_API_KEY", kFleetApiKey}});
  const auto ready = node.process->wait_for_line("event=gateway_ready", 30s);
  ASSERT_TRUE(ready) << node.name << " did not start:\n" << node.process->output();
  node.port = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "port")));
  node.metrics_port = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "metrics_port")));
}

SendOptions FleetHarness::balancer() const {
  SendOptions options;
  options.port = haproxy_->port();
  return options;
}

SendOptions FleetHarness::direct(int i) const {
  SendOptions options;
  options.port = nodes_.at(static_cast<std::size_t>(i)).port;
  return options;
}

void FleetHarness::kill_node(int i) {
  auto& node = nodes_.at(static_cast<std::size_t>(i));
  node.process->stop(SIGKILL);
  node.killed = true;
}

void FleetHarness::stop_database(bool crash) {
  if (crash) {
    postgres_->kill();
  } else {
    postgres_->stop();
  }
}

void FleetHarness::start_database() { postgres_->start(); }

std::optional<std::map<std::string, FleetStudy>> FleetHarness::studies(int i,
                                                                       std::string* error) const {
  std::string output;
  const int code = run_command(kFleetGatewayBinary,
                               {"studies", "list", "--json", "--config",
                                nodes_.at(static_cast<std::size_t>(i)).config_path()},
                               output);
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(output, ec);
  if (code != 0 || ec || !parsed.is_array()) {
    if (error) *error = "exit " + std::to_string(code) + ": " + output;
    return std::nullopt;
  }
  std::map<std::string, FleetStudy> out;
  for (const auto& v : parsed.as_array()) {
    const auto& o = v.as_object();
    out[string_field(o, "studyInstanceUid")] =
        FleetStudy{string_field(o, "state"), string_field(o, "studyId"),
                   string_field(o, "receivedBy"), string_field(o, "claimedBy"),
                   string_field(o, "registeredBy")};
  }
  return out;
}

Readyz FleetHarness::readyz(int i) const {
  Readyz result;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return result;
  timeval deadline{2, 0};  // a probe never waits long: HAProxy's check does not either
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &deadline, sizeof deadline);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(nodes_.at(static_cast<std::size_t>(i)).metrics_port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = "GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  // "HTTP/1.1 503 Service Unavailable\r\n...\r\n\r\nbody"
  if (answer.rfind("HTTP/1.", 0) == 0 && answer.size() > 12) {
    result.status = std::stoi(answer.substr(9, 3));
    const auto body = answer.find("\r\n\r\n");
    if (body != std::string::npos) result.body = answer.substr(body + 4);
  }
  return result;
}

std::map<std::string, int> FleetHarness::creates_per_study() const {
  std::map<std::string, int> out;
  for (const auto& r : simulator_->requests()) {
    if (r.method != "POST" || r.target.rfind("/v1/viewer/studies", 0) != 0) continue;
    boost::system::error_code ec;
    const auto body = boost::json::parse(r.body, ec);
    if (ec || !body.is_object()) continue;
    ++out[string_field(body.as_object(), "studyInstanceUid")];
  }
  return out;
}

bool FleetHarness::wait_registered(int i, const std::vector<std::string>& uids,
                                   std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto list = studies(i)) {
      bool all = true;
      for (const auto& uid : uids) {
        const auto it = list->find(uid);
        all = all && it != list->end() && it->second.state == "registered";
      }
      if (all) return true;
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(250ms);  // each look is a CLI process: poll gently
  }
}

std::vector<std::string> FleetHarness::node_names() const {
  std::vector<std::string> out;
  for (const auto& node : nodes_) out.push_back(node.name);
  return out;
}

std::string FleetHarness::logs() const {
  std::string out;
  for (const auto& node : nodes_) {
    out += "---- " + node.name + (node.killed ? " (killed)" : "") + "\n";
    if (node.process) out += node.process->output();
  }
  return out;
}

int FleetHarness::count_lines(const std::string& needle) const {
  int n = 0;
  for (const auto& node : nodes_) n += node.process ? node.process->count_lines(needle) : 0;
  return n;
}

}  // namespace gw::test
