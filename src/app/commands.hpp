#pragma once
// The subcommands of `dicom-gateway`, one function each; main.cpp only parses the line.
#include <string>
#include <vector>

namespace gw::app {

int command_run(const std::string& config_path);
int command_check_config(const std::string& config_path);
int command_route(const std::string& config_path, const std::vector<std::string>& files,
                  const std::string& calling_ae);
int command_studies(const std::string& config_path);

}  // namespace gw::app
