#include "gateway/domain/uid.hpp"

namespace gw {

bool is_valid_uid(std::string_view uid) noexcept {
  if (uid.empty() || uid.size() > 64) return false;
  std::size_t component_start = 0;
  for (std::size_t i = 0; i <= uid.size(); ++i) {
    if (i == uid.size() || uid[i] == '.') {
      const std::size_t len = i - component_start;
      if (len == 0) return false;                                  // "1..2", ".1", "1."
      if (len > 1 && uid[component_start] == '0') return false;    // "1.02"
      component_start = i + 1;
    } else if (uid[i] < '0' || uid[i] > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace gw
