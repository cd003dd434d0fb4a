#pragma once
#include <memory>
#include <string>

#include "gateway/config/config.hpp"
#include "gateway/config/config_loader.hpp"

namespace gw::app {

/// Loads `path` with the DICOM dictionary as keyword check; the diagnostics are returned, not
/// printed (check-config --json puts them in its document).
config::LoadResult load_config(const std::string& path);

/// As load_config, printing every diagnostic to stderr as file:line:column: message; returns
/// null when the file has errors.
std::shared_ptr<const config::Config> load_config_or_report(const std::string& path);

}  // namespace gw::app
