#include "gateway/console/console_assets.hpp"

#include "embedded_assets.hpp"

namespace gw::console {

const Asset* find_asset(std::string_view path) {
  // The page is a single-page app: "/" is its one document.
  if (path == "/") path = "/index.html";
  // Four assets: a linear search costs less than building an index.
  for (std::size_t i = 0; i < embedded::kAssetCount; ++i) {
    if (embedded::kAssets[i].path == path) return &embedded::kAssets[i];
  }
  return nullptr;
}

}  // namespace gw::console
