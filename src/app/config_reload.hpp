#pragma once
// SIGHUP: which settings a reload may change in a running gateway, and which need a restart.
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace gw::app {

/// One setting that differs in the re-read file but keeps its running value until restart.
struct RestartOnlyChange {
  std::string key;      // e.g. "dicom.port"
  std::string running;  // the value in force
  std::string in_file;  // the value the file now holds
};

/// Compares the settings that need a restart (listener, paths, viewer connection, log format,
/// metrics.listen). Routing rules, logging.level, viewer_api.retry, alarm_after,
/// shutdown_grace and dicom.{check_called_ae, always_allow_echo, allowed_callers} are
/// reloadable and not reported. Pure; any thread.
std::vector<RestartOnlyChange> restart_only_changes(const config::Config& running,
                                                    const config::Config& in_file);

}  // namespace gw::app
