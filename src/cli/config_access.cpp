#include "config_access.hpp"

#include <iostream>

#include "gateway/config/config_loader.hpp"
#include "gateway/dicom/study_file_reader.hpp"

namespace gw::app {

std::shared_ptr<const config::Config> load_config_or_report(const std::string& path) {
  config::LoadOptions options{dicom::is_known_keyword};
  const config::LoadResult loaded = config::load_config_file(path, options);
  for (const auto& d : loaded.diagnostics) std::cerr << to_string(d) << '\n';
  return loaded.config;
}

}  // namespace gw::app
