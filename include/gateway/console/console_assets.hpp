#pragma once
// The console's page (src/console/web), compiled into the binary: nothing is fetched from
// elsewhere at run time.
#include <string_view>

namespace gw::console {

/// One embedded file. Static storage: every view lives as long as the program.
struct Asset {
  std::string_view path;          // "/index.html", "/console.js", ...
  std::string_view content_type;  // with charset for text
  std::string_view body;
  std::string_view etag;          // quoted, a hash of the body computed at build time
};

/// The asset served at `path` ("/" serves "/index.html"), or nullptr. Immutable, thread-safe.
const Asset* find_asset(std::string_view path);

}  // namespace gw::console
