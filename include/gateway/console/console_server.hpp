#pragma once
// The operator's console: a REST API and a page (docs/console.md), served by the daemon on
// console.listen, over TLS unless on loopback. Reads and acts only through the StudyDesk the
// command line uses.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/domain/study_facts.hpp"
#include "gateway/registry/study_record.hpp"

namespace gw::events {
class EventBus;
}
namespace gw::operations {
class StudyDesk;
}
namespace gw::routing {
class RuleSet;
}

namespace gw::console {

/// One alarm in force, for the overview. Value type.
struct ActiveAlarm {
  std::string alarm;  // auth_paused, breaker_open, spool_nearly_full, registration_stalled
  registry::TimestampMs since = 0;
  std::string detail;
};

/// What GET /api/v1/status shows, gathered by the daemon on the io thread. Value type.
struct GatewayStatus {
  std::string node;
  registry::TimestampMs started = 0;
  std::vector<std::pair<registry::StudyState, std::int64_t>> states;
  std::string not_ready;  // "" when ready
  std::vector<ActiveAlarm> alarms;
  bool breaker_open = false;
  registry::TimestampMs auth_paused_until = 0;  // 0: no pause
  std::uint64_t spool_free_bytes = 0;
  std::uint64_t spool_total_bytes = 0;
};

/// What the console reads from and acts through; each must outlive the server. Called on the
/// io thread.
struct ConsoleServices {
  operations::StudyDesk* desk = nullptr;
  std::function<std::shared_ptr<const routing::RuleSet>()> rules;
  std::function<GatewayStatus()> status;
  /// A DICOM file's facts as if it came on `association` (POST /api/v1/route), or nullopt
  /// with `error` set.
  std::function<std::optional<StudyFacts>(const std::filesystem::path&, const AssociationInfo& association,
                                          std::string& error)>
      read_file_facts;
  events::EventBus* events = nullptr;
  std::string version;
  std::filesystem::path scratch_dir;  // where an uploaded file waits while it is read
  std::function<registry::TimestampMs()> clock;  // the wall clock
};

class ConsoleState;

/// Accepts on the gateway's io thread (every member runs there). Owned by the controller
/// through a shared_ptr; connections keep it alive while they run.
class ConsoleServer : public std::enable_shared_from_this<ConsoleServer> {
 public:
  /// Binds console.listen and loads the TLS key pair and every user's hash. Throws
  /// std::runtime_error, saying what is wrong, when it cannot (start-up only).
  ConsoleServer(boost::asio::io_context& io, const config::ConsoleSettings& settings,
                ConsoleServices services);
  ~ConsoleServer();

  void start();
  /// Stops accepting and closes every connection (event streams included).
  void stop();
  /// SIGHUP: new users and roles take effect at once (sessions of removed users end). An
  /// unreadable hash keeps the running users and returns why; "" when applied.
  std::string reload(const config::ConsoleSettings& settings);
  std::uint16_t port() const;

 private:
  void accept();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::console
