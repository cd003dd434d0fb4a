#pragma once
// `check-config --online`: what the viewer says about the configuration, as a value that the
// command prints as text or JSON.
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/config.hpp"

namespace gw::app {

/// One id the rules can send, and what the viewer said about it. Value type.
struct IdCheck {
  std::string id;
  std::string label;   // the customer's name or the user's e-mail; empty when unknown
  std::string status;  // customers: active, inactive, unknown; users: known, unknown, unchecked
  std::string detail;  // why unchecked; empty otherwise
};

/// Everything the online check found. Value type.
struct OnlineReport {
  bool reachable = false;      // the viewer answered (any HTTP answer)
  std::string api_key = "unchecked";  // accepted, refused, missing, unchecked
  std::string message;         // why the check stopped early; empty when it did not
  std::vector<IdCheck> customers;
  std::vector<IdCheck> users;
  // Rules whose id is built from attributes, so no id can be looked up: (rule, "customer" or
  // "user").
  std::vector<std::pair<std::string, std::string>> not_checked;
  int problems = 0;            // definite problems: refused key, unknown or inactive ids
  bool incomplete = false;     // something could not be asked (network, timeout, 5xx)
};

/// One authenticated read (the customer list), then every customer and user id the rules can
/// send looked up. Blocks for at most a few viewer_api.timeout; never throws.
OnlineReport check_online(const config::Config& config);

}  // namespace gw::app
