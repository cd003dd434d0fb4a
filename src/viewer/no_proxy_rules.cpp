#include "no_proxy_rules.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
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
      rules.rules_.push_back({Rule::Kind::everything, {}, {}, {}});
      continue;
    }

    Rule rule;
    std::string_view host, port;
    split_port(entry, host, port);
    if (!port.empty() && !all_digits(port)) continue;
    rule.port = std::string(port);

    if (auto network = CidrBlock::parse(host)) {
      rule.kind = Rule::Kind::network;
      rule.network = std::move(network);
      rules.rules_.push_back(std::move(rule));
      continue;
    }
    if (host.find('/') != std::string_view::npos) continue;  // a malformed block, or not of addresses

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
        return address && rule.network->contains(host);
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
