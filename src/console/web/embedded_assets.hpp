#pragma once
// The table the generated console_assets_data.cpp defines (embed_assets.cmake).
#include <cstddef>

#include "gateway/console/console_assets.hpp"

namespace gw::console::embedded {

extern const Asset kAssets[];
extern const std::size_t kAssetCount;

}  // namespace gw::console::embedded
