#include "config_access.hpp"

#include <iostream>

#include "gateway/dicom/study_file_reader.hpp"

namespace gw::app {

config::LoadResult load_config(const std::string& path) {
  config::LoadOptions options{dicom::is_known_keyword};
  return config::load_config_file(path, options);
}

std::shared_ptr<const config::Config> load_config_or_report(const std::string& path) {
  config::LoadResult loaded = load_config(path);
  for (const auto& d : loaded.diagnostics) std::cerr << to_string(d) << '\n';
  return loaded.config;
}

}  // namespace gw::app
