#include "gateway/domain/registration_request.hpp"

namespace gw {
namespace {

bool is_prefixed_hex_id(std::string_view id, std::string_view prefix) noexcept {
  if (id.size() != prefix.size() + 32 || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size())) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

}  // namespace

bool is_valid_user_id(std::string_view id) noexcept { return is_prefixed_hex_id(id, "usr_"); }
bool is_valid_customer_id(std::string_view id) noexcept { return is_prefixed_hex_id(id, "cus_"); }

}  // namespace gw
