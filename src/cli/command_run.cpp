#include <dcmtk/oflog/oflog.h>

#include "commands.hpp"
#include "config_access.hpp"
#include "exit_status.hpp"
#include "gateway.hpp"
#include "gateway/log/log.hpp"

namespace gw::app {

int command_run(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return exit_problems;
  log::set_level(config->logging.level);
  log::set_format(config->logging.format);
  // DCMTK's own logger would write unstructured lines (some with patient data in dumps);
  // the gateway logs what matters itself, so DCMTK speaks only when debugging.
  OFLog::configure(config->logging.level == log::Level::debug ? OFLogger::WARN_LOG_LEVEL
                                                    : OFLogger::FATAL_LOG_LEVEL);
  try {
    return run_gateway(config_path, config);
  } catch (const StateUnavailable& e) {
    log::error("state_database_unreadable").kv("reason", e.what());
    return exit_cannot_check;
  } catch (const std::exception& e) {
    // Refused to start: the state in use by another gateway, a port or a file it cannot use.
    log::error("gateway_start_failed").kv("reason", e.what());
    return exit_problems;
  }
}

}  // namespace gw::app
