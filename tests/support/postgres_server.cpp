#include "postgres_server.hpp"

#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "child_process.hpp"

namespace gw::test {
namespace {

constexpr uid_t kNobody = 65534;

std::string bin_dir() {
  const char* configured = std::getenv("GW_PG_BINDIR");
  return configured ? configured : "/usr/lib/postgresql/15/bin";
}

/// A port nothing listens on now (the kernel's choice for port 0; free again once closed).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free TCP port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string random_password() {
  std::random_device device;
  std::string out = "pw-";
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 20; ++i) out += kChars[device() % 36];
  return out;
}

}  // namespace

PostgresServer::PostgresServer(std::filesystem::path folder)
    : password_(random_password()), port_(free_port()) {
  if (folder.empty()) {
    // tmpfs when there is one: a commit's fsync then costs nothing, and the tests are about
    // order and atomicity, not the disk.
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                           ? "/dev/shm"
                                           : std::filesystem::temp_directory_path();
    std::string tmpl = (base / "gw-pg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    owns_dir_ = true;
  } else {
    dir_ = std::filesystem::absolute(folder);
    std::filesystem::create_directories(dir_);
    if (::geteuid() == 0) {
      // nobody must traverse every folder above the cluster (mkdtemp makes them 0700).
      for (auto p = dir_.parent_path(); p != p.root_path(); p = p.parent_path()) {
        std::filesystem::permissions(p, std::filesystem::perms::others_exec,
                                     std::filesystem::perm_options::add);
      }
    }
  }
  data_ = dir_ / "data";
  sockets_ = dir_ / "sockets";
  std::filesystem::create_directory(sockets_);
  {
    std::ofstream(dir_ / "password") << password_ << '\n';
  }
  if (::geteuid() == 0) {
    for (const auto& path : {dir_, sockets_, dir_ / "password"}) {
      if (::chown(path.c_str(), kNobody, kNobody) != 0) throw std::runtime_error("chown failed");
    }
  }
  run("initdb", {"-D", data_.string(), "-U", "postgres", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "--pwfile=" + (dir_ / "password").string(), "-E",
                 "UTF8", "--locale=C", "--no-sync"});
  std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
  conf << "port = " << port_ << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '"
       << sockets_.string() << "'\nmax_connections = 200\nlog_min_messages = warning\n";
  conf.close();
  start();
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (...) {
    try {
      kill();
    } catch (...) {
      // Nothing more to do: the folder goes below either way.
    }
  }
  if (owns_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PostgresServer::run(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  std::string executable = bin_dir() + "/" + program;
  if (::geteuid() == 0) {
    // PostgreSQL refuses to run as root; nobody owns the cluster's folder.
    argv = {"--reuid=" + std::to_string(kNobody), "--regid=" + std::to_string(kNobody),
            "--clear-groups", "--", executable};
    executable = "/usr/bin/setpriv";
  }
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  if (run_command(executable, argv, output) != 0) {
    throw std::runtime_error(program + " failed: " + output);
  }
  return output;
}

void PostgresServer::start() {
  if (server_) return;
  // postgres itself, not pg_ctl's daemon: it dies with this process (SIGQUIT, its immediate
  // shutdown, when the test is killed by a timeout), so no server outlives a run.
  std::vector<std::string> args;
  if (::geteuid() == 0) {
    args = {"--reuid=" + std::to_string(kNobody), "--regid=" + std::to_string(kNobody),
            "--clear-groups"};
  }
  args.insert(args.end(), {"--pdeathsig", "SIGQUIT", "--", bin_dir() + "/postgres", "-D", data_.string()});
  server_ = std::make_unique<ChildProcess>("/usr/bin/setpriv", args);
  if (!server_->wait_for_line("ready to accept connections", std::chrono::seconds(60))) {
    const std::string output = server_->output();
    server_.reset();
    throw std::runtime_error("postgres did not start:\n" + output);
  }
}

void PostgresServer::stop_with(int signal) {
  if (!server_) return;
  server_->stop(signal, std::chrono::seconds(60));
  server_.reset();
}

// SIGINT: fast shutdown (sessions closed, a checkpoint, every commit kept).
void PostgresServer::stop() { stop_with(SIGINT); }

// SIGQUIT: immediate shutdown, like a crash; the next start recovers from the WAL.
void PostgresServer::kill() { stop_with(SIGQUIT); }

void PostgresServer::signal_all(int signal) {
  if (!server_) return;
  const pid_t postmaster = server_->pid();
  ::kill(postmaster, signal);
  // Its backends and helpers are its children: /proc/<pid>/stat names each one's parent.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == postmaster) ::kill(static_cast<pid_t>(std::stol(name)), signal);
  }
}

void PostgresServer::freeze() { signal_all(SIGSTOP); }

void PostgresServer::thaw() { signal_all(SIGCONT); }

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::uri_with_password(const std::string& database) const {
  return "postgresql://postgres:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

std::string PostgresServer::sql(const std::string& database, const std::string& statement) {
  std::string output;
  const int code = run_command(
      bin_dir() + "/psql",
      {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", sockets_.string(), "-p",
       std::to_string(port_), "-U", "postgres", "-d", database, "-c", statement},
      output);
  if (code != 0) throw std::runtime_error("psql failed: " + output);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

void PostgresServer::create_database(const std::string& name) {
  sql("postgres", "CREATE DATABASE " + name);
}

void PostgresServer::recreate_database(const std::string& name) {
  sql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  create_database(name);
}

}  // namespace gw::test
