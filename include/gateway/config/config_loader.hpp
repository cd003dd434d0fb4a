#pragma once
// YAML file → Config: the one bridge between yaml-cpp and the gateway's settings.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/config/config.hpp"
#include "gateway/domain/diagnostic.hpp"

namespace gw::config {

struct LoadOptions {
  /// DICOM dictionary lookup for rule keys; null accepts any keyword.
  std::function<bool(std::string_view)> is_known_keyword;
};

/// A loaded configuration, or every problem found in it. `config` is null when
/// `diagnostics` holds an error; warnings may accompany a valid config.
struct LoadResult {
  std::shared_ptr<const Config> config;
  Diagnostics diagnostics;
};

/// Reads and validates `path`. Never throws: unreadable files and YAML syntax errors
/// are diagnostics too.
LoadResult load_config_file(const std::string& path, const LoadOptions& options);
/// The same for text already in memory; `file_name` is used in diagnostics.
LoadResult load_config_text(std::string_view text, const std::string& file_name,
                            const LoadOptions& options);

}  // namespace gw::config
