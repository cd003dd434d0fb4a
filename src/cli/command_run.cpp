#include <dcmtk/oflog/oflog.h>

#include <iostream>

#include "commands.hpp"
#include "config_access.hpp"
#include "gateway.hpp"
#include "gateway/log/log.hpp"

namespace gw::app {

int command_run(const std::string& config_path) {
  const auto config = load_config_or_report(config_path);
  if (!config) return 1;
  log::set_level(log::parse_level(config->logging.level).value_or(log::Level::info));
  log::set_format(config->logging.format == "json" ? log::Format::json : log::Format::text);
  // DCMTK's own logger would write unstructured lines (some with patient data in dumps);
  // the gateway logs what matters itself, so DCMTK speaks only when debugging.
  OFLog::configure(config->logging.level == "debug" ? OFLogger::WARN_LOG_LEVEL
                                                    : OFLogger::FATAL_LOG_LEVEL);
  try {
    return run_gateway(config_path, config);
  } catch (const std::exception& e) {
    log::error("gateway_start_failed").kv("reason", e.what());
    return 1;
  }
}

}  // namespace gw::app
