#pragma once
// A problem found in a configuration file, located for the administrator who must fix it.
#include <string>
#include <vector>

namespace gw {

struct Diagnostic {
  enum class Level { error, warning };
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;
  Level level = Level::error;
};

using Diagnostics = std::vector<Diagnostic>;

/// "file:line:column: message" (or "file:line:column: warning: message"), as compilers print.
std::string to_string(const Diagnostic& d);
/// True when any diagnostic is an error (warnings alone do not stop a load).
bool has_errors(const Diagnostics& ds) noexcept;

}  // namespace gw
