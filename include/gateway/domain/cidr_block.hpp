#pragma once
// An IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", for matching peer addresses
// (routing conditions, dicom.allowed_callers, NO_PROXY). The C library's inet_pton parses the
// address; the prefix arithmetic is a byte comparison. No network library in the domain.
#include <array>
#include <optional>
#include <string_view>

namespace gw {

/// A parsed network. Value type. An IPv4 network also matches a peer reported as an
/// IPv4-mapped IPv6 address ("10.0.0.0/8" holds "::ffff:10.1.2.3"), since a dual-stack socket
/// reports IPv4 peers that way; an IPv6 network holds IPv4 peers through their mapped form.
class CidrBlock {
 public:
  /// "a.b.c.d/n", "x::y/n", or a bare address (a single host). nullopt when malformed.
  static std::optional<CidrBlock> parse(std::string_view text);
  /// True when `address` (numeric IPv4 or IPv6, no port, no brackets) lies inside this network.
  bool contains(std::string_view address) const noexcept;

 private:
  CidrBlock() = default;
  // The address as written (host bits are never compared): the first 4 bytes for IPv4,
  // all 16 for IPv6.
  bool v4_ = false;
  std::array<unsigned char, 16> network_{};
  unsigned short prefix_length_ = 0;
};

}  // namespace gw
