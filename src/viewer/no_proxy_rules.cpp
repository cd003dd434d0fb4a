#include "no_proxy_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace gw::viewer::detail {
namespace {

namespace ip = boost::asio::ip;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<ip::address> address_of(std::string_view text) {
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// The address as 16 bytes, IPv4 mapped into IPv6, so one comparison serves both families.
std::array<unsigned char, 16> bytes_of(const ip::address& address) {
  if (address.is_v4()) return ip::make_address_v6(ip::v4_mapped, address.to_v4()).to_bytes();
  return address.to_v6().to_bytes();
}

bool same_prefix(const ip::address& a, const ip::address& b, unsigned bits) {
  const auto x = bytes_of(a), y = bytes_of(b);
  for (unsigned i = 0; i < 16 && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
    const unsigned mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
    if ((x[i] & mask) != (y[i] & mask)) return false;
  }
  return true;
}

// Splits "host:port", "[v6]:port", "[v6]" and bare "v6" (several colons: no port).
void split_port(std::string_view entry, std::string_view& host, std::string_view& port) {
  host = entry;
  port = {};
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return;
    host = entry.substr(1, close - 1);
    if (close + 1 < entry.size() && entry[close + 1] == ':') port = entry.substr(close + 2);
    return;
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
}

}  // namespace

NoProxyRules NoProxyRules::parse(std::string_view list) {
  NoProxyRules rules;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find_first_of(", \t", start);
    if (end == std::string_view::npos) end = list.size();
    const std::string entry = lower(list.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    if (entry == "*") {
      rules.rules_.push_back({Rule::Kind::everything, {}, {}, 0, {}});
      continue;
    }

    Rule rule;
    std::string_view host, port;
    split_port(entry, host, port);
    if (!port.empty() && !all_digits(port)) continue;
    rule.port = std::string(port);

    std::string_view address_text = host;
    std::optional<unsigned> prefix;
    if (const auto slash = host.find('/'); slash != std::string_view::npos) {
      const auto bits = host.substr(slash + 1);
      unsigned value = 0;
      const auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), value);
      if (ec != std::errc{} || ptr != bits.data() + bits.size()) continue;
      prefix = value;
      address_text = host.substr(0, slash);
    }
    if (const auto address = address_of(address_text)) {
      const unsigned width = address->is_v4() ? 32 : 128;
      const unsigned bits = prefix.value_or(width);
      if (bits > width) continue;
      rule.kind = Rule::Kind::network;
      rule.network = *address;
      rule.prefix_length = bits + (address->is_v4() ? 96 : 0);  // in the mapped 128-bit space
      rules.rules_.push_back(std::move(rule));
      continue;
    }
    if (prefix) continue;  // a block of something that is not an address

    if (host.starts_with("*.")) host.remove_prefix(2);
    while (host.starts_with('.')) host.remove_prefix(1);
    while (host.ends_with('.')) host.remove_suffix(1);
    if (host.empty()) continue;
    rule.kind = Rule::Kind::domain;
    rule.domain = std::string(host);
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

bool NoProxyRules::bypasses(std::string_view host_in, std::string_view port) const {
  std::string host = lower(host_in);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  while (host.ends_with('.')) host.pop_back();
  const auto address = address_of(host);

  return std::any_of(rules_.begin(), rules_.end(), [&](const Rule& rule) {
    if (!rule.port.empty() && rule.port != port) return false;
    switch (rule.kind) {
      case Rule::Kind::everything:
        return true;
      case Rule::Kind::network:
        return address && same_prefix(*address, rule.network, rule.prefix_length);
      case Rule::Kind::domain:
        if (address) return false;
        return host == rule.domain ||
               (host.size() > rule.domain.size() && host.ends_with(rule.domain) &&
                host[host.size() - rule.domain.size() - 1] == '.');
    }
    return false;
  });
}

}  // namespace gw::viewer::detail
