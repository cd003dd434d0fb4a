#include "gateway/domain/cidr_block.hpp"

#include <string>

namespace gw {
namespace ip = boost::asio::ip;

std::optional<CidrBlock> CidrBlock::parse(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
  if (ec) return std::nullopt;
  // Asio's networks always carry a prefix; a bare address is a single host.
  std::string network(text);
  if (slash == std::string_view::npos) network += address.is_v4() ? "/32" : "/128";
  if (address.is_v4()) {
    const auto v4 = ip::make_network_v4(network, ec);
    if (ec) return std::nullopt;
    return CidrBlock(v4.canonical());
  }
  const auto v6 = ip::make_network_v6(network, ec);
  if (ec) return std::nullopt;
  return CidrBlock(v6.canonical());
}

bool CidrBlock::contains(std::string_view address) const noexcept {
  boost::system::error_code ec;
  const auto parsed = ip::make_address(std::string(address), ec);
  return !ec && contains(parsed);
}

bool CidrBlock::contains(const ip::address& address) const noexcept {
  if (const auto* v4 = std::get_if<ip::network_v4>(&network_)) {
    ip::address_v4 peer;
    if (address.is_v4()) {
      peer = address.to_v4();
    } else if (address.to_v6().is_v4_mapped()) {
      peer = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    } else {
      return false;
    }
    return ip::network_v4(peer, v4->prefix_length()).canonical() == *v4;
  }
  const auto& v6 = std::get<ip::network_v6>(network_);
  const ip::address_v6 peer = address.is_v4()
                                  ? ip::make_address_v6(ip::v4_mapped, address.to_v4())
                                  : address.to_v6();
  return ip::network_v6(peer, v6.prefix_length()).canonical() == v6;
}

}  // namespace gw
