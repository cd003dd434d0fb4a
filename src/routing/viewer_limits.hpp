#pragma once
// The viewer's limits on a create request's metadata (viewer-api.md, "Create a study").
#include <cstddef>

namespace gw::routing {

inline constexpr std::size_t max_metadata_pairs = 50;
inline constexpr std::size_t max_metadata_key_chars = 100;
inline constexpr std::size_t max_metadata_value_chars = 1000;

}  // namespace gw::routing
