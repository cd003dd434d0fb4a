#include "gateway/domain/diagnostic.hpp"

#include <algorithm>

namespace gw {

std::string to_string(const Diagnostic& d) {
  std::string out = d.file;
  out += ':' + std::to_string(d.line) + ':' + std::to_string(d.column) + ": ";
  if (d.level == Diagnostic::Level::warning) out += "warning: ";
  out += d.message;
  return out;
}

bool has_errors(const Diagnostics& ds) noexcept {
  return std::any_of(ds.begin(), ds.end(),
                     [](const Diagnostic& d) { return d.level == Diagnostic::Level::error; });
}

}  // namespace gw
