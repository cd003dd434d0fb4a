#include "gateway/domain/cidr_block.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace gw {
namespace {

bool prefix_equal(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                  int bits) noexcept {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

}  // namespace

std::optional<CidrBlock::Bytes> CidrBlock::parse_address(std::string_view text,
                                                         bool& is_v4) noexcept {
  // inet_pton needs a terminated string; addresses are short, so a stack buffer does.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  Bytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    is_v4 = true;
    out[10] = out[11] = 0xFF;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    is_v4 = false;
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<CidrBlock> CidrBlock::parse(std::string_view text) {
  const auto slash = text.find('/');
  bool is_v4 = false;
  auto address = parse_address(text.substr(0, slash), is_v4);
  if (!address) return std::nullopt;
  const int width = is_v4 ? 32 : 128;
  int bits = width;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || bits < 0 ||
        bits > width) {
      return std::nullopt;
    }
  }
  CidrBlock block;
  block.network_ = *address;
  block.prefix_bits_ = bits + (is_v4 ? 96 : 0);
  return block;
}

bool CidrBlock::contains(std::string_view address) const noexcept {
  bool is_v4 = false;
  auto bytes = parse_address(address, is_v4);
  return bytes && prefix_equal(*bytes, network_, prefix_bits_);
}

}  // namespace gw
