#include "gateway/domain/cidr_block.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <algorithm>
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
  CidrBlock block;
  if (address.is_v4()) {
    const auto v4 = ip::make_network_v4(network, ec);
    if (ec) return std::nullopt;
    const auto bytes = v4.canonical().address().to_bytes();
    std::copy(bytes.begin(), bytes.end(), block.network_.begin());
    block.v4_ = true;
    block.prefix_length_ = v4.prefix_length();
  } else {
    const auto v6 = ip::make_network_v6(network, ec);
    if (ec) return std::nullopt;
    block.network_ = v6.canonical().address().to_bytes();
    block.prefix_length_ = v6.prefix_length();
  }
  return block;
}

bool CidrBlock::contains(std::string_view text) const noexcept {
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (v4_) {
    ip::address_v4 peer;
    if (address.is_v4()) {
      peer = address.to_v4();
    } else if (address.to_v6().is_v4_mapped()) {
      peer = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    } else {
      return false;
    }
    ip::address_v4::bytes_type mine;
    std::copy_n(network_.begin(), mine.size(), mine.begin());
    return ip::network_v4(peer, prefix_length_).canonical() ==
           ip::network_v4(ip::address_v4(mine), prefix_length_);
  }
  const ip::address_v6 peer = address.is_v4()
                                  ? ip::make_address_v6(ip::v4_mapped, address.to_v4())
                                  : address.to_v6();
  return ip::network_v6(peer, prefix_length_).canonical() ==
         ip::network_v6(ip::address_v6(network_), prefix_length_);
}

}  // namespace gw
