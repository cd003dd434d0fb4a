#pragma once
// An IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", for matching peer addresses
// (routing conditions and dicom.allowed_callers). Plain value, no dependencies.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gw {

/// A parsed network. Value type. IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so
/// "10.0.0.0/8" also matches a peer reported as "::ffff:10.1.2.3".
class CidrBlock {
 public:
  /// "a.b.c.d/n", "x::y/n", or a bare address (a single host). nullopt when malformed.
  static std::optional<CidrBlock> parse(std::string_view text);
  /// True when `address` (numeric IPv4 or IPv6, no port) lies inside this network.
  bool contains(std::string_view address) const noexcept;

 private:
  using Bytes = std::array<std::uint8_t, 16>;
  static std::optional<Bytes> parse_address(std::string_view text, bool& is_v4) noexcept;

  Bytes network_{};
  int prefix_bits_ = 0;  // of the 128-bit form
};

}  // namespace gw
