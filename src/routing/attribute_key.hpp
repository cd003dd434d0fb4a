#pragma once
// How rules name facts: a DICOM keyword, a tag, or one of the association's three names.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gw::routing {

/// True for calling_ae, called_ae and peer_address.
bool is_association_key(std::string_view key) noexcept;

/// "(0008,1030)", "(0008, 1030)" or "00081030" (any hex case) as "00081030"; nullopt otherwise.
std::optional<std::string> normalise_tag(std::string_view written);

/// The facts key for `written`, or an error message saying why it names nothing.
/// `is_known_keyword` may be null (then any identifier is accepted as a keyword).
struct ResolvedKey {
  std::string key;    // empty when `error` is set
  std::string error;
};
ResolvedKey resolve_attribute_key(std::string_view written,
                                  const std::function<bool(std::string_view)>& is_known_keyword);

}  // namespace gw::routing
