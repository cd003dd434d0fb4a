#pragma once
// A transparent hash for std::string keys, so maps keyed by std::string can be searched with a
// std::string_view (a token or an address from a request) without making a string.
#include <functional>
#include <string_view>

namespace gw::console {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

}  // namespace gw::console
