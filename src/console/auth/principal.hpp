#pragma once
// Who a request acts as, once authenticated: what the user directory answers and a session
// carries.
#include <string>

#include "gateway/config/config.hpp"

namespace gw::console {

/// An authenticated console user. Value type.
struct Principal {
  std::string name;
  config::ConsoleRole role = config::ConsoleRole::viewer;

  friend bool operator==(const Principal&, const Principal&) = default;
};

}  // namespace gw::console
