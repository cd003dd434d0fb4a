#pragma once
// The body the gateway sends to create a study in the viewer (viewer-api.md, "Create a study").
#include <map>
#include <optional>
#include <string>

#include "gateway/domain/severity.hpp"

namespace gw {

/// One study's create request, as plain values. The viewer adapter turns it into JSON.
struct RegistrationRequest {
  std::string study_instance_uid;
  std::string study_description;  // never empty: a fallback replaces a missing description
  Severity severity = Severity::normal;
  std::optional<std::string> assigned_to;          // usr_ + 32 hex
  std::optional<std::string> express_customer_id;  // cus_ + 32 hex
  std::map<std::string, std::string> metadata;

  bool operator==(const RegistrationRequest&) const = default;
};

/// True for "usr_" followed by 32 lower- or upper-case hex digits.
bool is_valid_user_id(std::string_view id) noexcept;
/// True for "cus_" followed by 32 hex digits.
bool is_valid_customer_id(std::string_view id) noexcept;

}  // namespace gw
