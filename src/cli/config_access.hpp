#pragma once
#include <memory>
#include <string>

#include "gateway/config/config.hpp"

namespace gw::app {

/// Loads `path` with the DICOM dictionary as keyword check. Prints every diagnostic to
/// stderr as file:line:column: message; returns null when the file has errors.
std::shared_ptr<const config::Config> load_config_or_report(const std::string& path);

}  // namespace gw::app
