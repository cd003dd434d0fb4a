#include "gateway/domain/cidr_block.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace gw {
namespace {

/// The 4 or 16 bytes of a numeric IPv4 or IPv6 address (inet_pton's forms: dotted quad,
/// RFC 4291 text; no port, brackets or scope), and whether it was IPv4.
struct Address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

std::optional<Address> parse_address(std::string_view text) {
  const std::string s(text);
  Address a;
  if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.v4 = true;
    return a;
  }
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

/// "0".."max" in decimal digits only; nullopt otherwise ("", "-1", "x", "33" for IPv4).
std::optional<unsigned short> parse_prefix(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<unsigned short>(value);
}

/// Whether the first `bits` bits of `a` and `b` are equal.
bool same_prefix(const unsigned char* a, const unsigned char* b, unsigned bits) {
  const unsigned whole = bits / 8;
  if (!std::equal(a, a + whole, b)) return false;
  if (bits % 8 == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFu << (8 - bits % 8));
  return (a[whole] & mask) == (b[whole] & mask);
}

/// ::ffff:a.b.c.d, the form a dual-stack socket reports an IPv4 peer in (RFC 4291 §2.5.5.2).
constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

bool is_v4_mapped(const Address& a) { return !a.v4 && std::equal(kMappedPrefix, kMappedPrefix + 12, a.bytes.begin()); }

}  // namespace

std::optional<CidrBlock> CidrBlock::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  const unsigned max = address->v4 ? 32 : 128;
  CidrBlock block;
  block.v4_ = address->v4;
  block.network_ = address->bytes;
  if (slash == std::string_view::npos) {
    block.prefix_length_ = static_cast<unsigned short>(max);  // a bare address: one host
  } else {
    const auto prefix = parse_prefix(text.substr(slash + 1), max);
    if (!prefix) return std::nullopt;
    block.prefix_length_ = *prefix;
  }
  return block;
}

bool CidrBlock::contains(std::string_view text) const noexcept {
  try {
    const auto peer = parse_address(text);
    if (!peer) return false;
    if (v4_) {
      // An IPv4 network holds an IPv4 peer, also when reported in its IPv4-mapped form.
      if (peer->v4) return same_prefix(peer->bytes.data(), network_.data(), prefix_length_);
      return is_v4_mapped(*peer) && same_prefix(peer->bytes.data() + 12, network_.data(), prefix_length_);
    }
    if (!peer->v4) return same_prefix(peer->bytes.data(), network_.data(), prefix_length_);
    // An IPv6 network holds an IPv4 peer through its mapped form.
    std::array<unsigned char, 16> mapped{};
    std::copy(kMappedPrefix, kMappedPrefix + 12, mapped.begin());
    std::copy_n(peer->bytes.begin(), 4, mapped.begin() + 12);
    return same_prefix(mapped.data(), network_.data(), prefix_length_);
  } catch (...) {  // std::string's allocation
    return false;
  }
}

}  // namespace gw
