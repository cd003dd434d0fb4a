#pragma once
// NO_PROXY: which hosts the client reaches directly even when a proxy is configured.
// Pure, no DNS: a name rule never matches an IP host and an IP rule never a name.
// Internal to the viewer adapter.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/cidr_block.hpp"

namespace gw::viewer::detail {

/// Parsed NO_PROXY list. Value type; immutable once built; thread-safe to read.
class NoProxyRules {
 public:
  /// Comma- (or space-) separated entries; blanks are skipped, case is ignored:
  ///   "*"                    every host
  ///   "example.com", ".example.com", "*.example.com"
  ///                          example.com and every name below it
  ///   "10.1.2.3", "::1", "[::1]", "10.0.0.0/8", "fd00::/8"
  ///                          that address, or any address in that block
  /// Any entry may end in ":port" (IPv6 in brackets) to bypass only that port.
  /// Entries that fit none of these are ignored rather than failing the start.
  static NoProxyRules parse(std::string_view list);

  /// True when `host` (a name, or an IP literal without brackets) on `port` goes direct.
  bool bypasses(std::string_view host, std::string_view port) const;

  bool empty() const noexcept { return rules_.empty(); }

 private:
  struct Rule {
    enum class Kind { everything, domain, network } kind = Kind::domain;
    std::string domain;                // lower case, no leading dot, no trailing dot
    std::optional<CidrBlock> network;  // kind network
    std::string port;                  // empty: any port
  };
  std::vector<Rule> rules_;
};

}  // namespace gw::viewer::detail
