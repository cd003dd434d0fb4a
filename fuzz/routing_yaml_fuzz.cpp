// Routing rules from arbitrary YAML: every problem must end as a diagnostic (or, from
// yaml-cpp's own parser, a YAML::Exception, which the loader turns into one), never a crash.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "gateway/config/config_loader.hpp"
#include "gateway/config/routing_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const YAML::Node root = YAML::Load(text);
    gw::config::RoutingLoadOptions options;
    options.file = "fuzz.yaml";
    gw::Diagnostics diagnostics;
    const YAML::Node routing = root.IsMap() && root["routing"] ? root["routing"] : root;
    (void)gw::config::load_routing(routing, options, diagnostics);
  } catch (const YAML::Exception&) {
    // expected: malformed YAML, or a node of the wrong shape
  }
  (void)gw::config::load_config_text(text, "fuzz.yaml", {});  // catches on its own
  return 0;
}
