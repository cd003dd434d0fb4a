#pragma once
// An IPv4 or IPv6 network such as "10.0.0.0/8" or "fd00::/8", for matching peer addresses
// (routing conditions, dicom.allowed_callers, NO_PROXY). Boost.Asio's network_v4/network_v6
// do the parsing and the arithmetic; this adds the bare-address form and the IPv4-mapped rule.
#include <optional>
#include <string_view>
#include <variant>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

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
  bool contains(const boost::asio::ip::address& address) const noexcept;

 private:
  using Network = std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6>;
  explicit CidrBlock(Network network) : network_(network) {}
  Network network_;  // canonical: host bits cleared
};

}  // namespace gw
