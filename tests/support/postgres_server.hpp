#pragma once
// A real PostgreSQL 15 server for tests: its own cluster in a temporary folder, on a free TCP
// port of 127.0.0.1 (password authentication, SCRAM) and its own unix socket folder.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gw::test {

class ChildProcess;

/// Owns one cluster: initdb and start in the constructor, a clean shutdown and the folder's
/// removal in the destructor. The server is a child of this process and dies with it. When the test runs as root (CI does; PostgreSQL refuses root),
/// the server runs as `nobody`. Not thread-safe: one test thread drives it; the registries and
/// gateways under test connect to it concurrently. Throws std::runtime_error when a step fails,
/// with the server's log.
///
///   gw::test::PostgresServer server;
///   server.create_database("fleet");
///   RegistryOptions options;
///   options.password = server.password();
///   auto registry = StudyRegistry::open(server.uri("fleet"), options);
///   server.stop();   // the database is down: calls fail
///   server.start();  // back, with every committed row
class PostgresServer {
 public:
  /// The cluster lives in `folder` (created if missing, kept after the server stops; as root,
  /// its ancestors gain o+x so that `nobody` reaches it), or when empty in a folder of its own
  /// under /dev/shm (or $TMPDIR), removed by the destructor.
  explicit PostgresServer(std::filesystem::path folder = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// postgresql://postgres@127.0.0.1:<port>/<database>, without the password (see password()).
  std::string uri(const std::string& database) const;
  /// The same with the password in it, for a child process given only a URI.
  std::string uri_with_password(const std::string& database) const;
  /// The superuser's password (TCP connections must give it).
  const std::string& password() const { return password_; }
  int port() const { return port_; }
  /// Creates an empty database `name` (letters, digits and _ only).
  void create_database(const std::string& name);
  /// Drops `name` (its sessions closed first) and creates it again: empty, no tables.
  void recreate_database(const std::string& name);
  /// Runs `sql` in `database` through psql on the unix socket; returns its unaligned output.
  std::string sql(const std::string& database, const std::string& sql);
  /// A clean shutdown (fast mode: sessions are closed, every commit is kept). Idempotent.
  void stop();
  /// The server dies at once (immediate mode, like a crash): restarting recovers from its WAL.
  void kill();
  /// The server stops answering, its connections staying open (SIGSTOP to every process of
  /// it: a frozen host); thaw() lets it go on where it stopped.
  void freeze();
  void thaw();
  /// Starts it again on the same port with the same data. Idempotent. Call it (and the
  /// constructor) on a thread that outlives the server, such as the test's own: the kernel
  /// stops the server (SIGQUIT) when the thread that started it ends.
  void start();
  void restart() {
    stop();
    start();
  }
  bool running() const { return server_ != nullptr; }

 private:
  /// Runs a PostgreSQL program from its bin folder, as `nobody` when this process is root.
  std::string run(const std::string& program, const std::vector<std::string>& args);
  void stop_with(int signal);
  /// Sends `signal` to the postmaster and each of its children.
  void signal_all(int signal);

  std::filesystem::path dir_;
  bool owns_dir_ = false;  // created here: removed by the destructor
  std::filesystem::path data_;
  std::filesystem::path sockets_;
  std::string password_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;  // the postmaster while it runs
};

}  // namespace gw::test
