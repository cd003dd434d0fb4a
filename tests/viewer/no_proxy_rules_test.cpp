// NO_PROXY matching: which hosts bypass the proxy. Pure, table-tested.
#include "no_proxy_rules.hpp"

#include <gtest/gtest.h>

namespace {

using gw::viewer::detail::NoProxyRules;

struct Case {
  const char* list;
  const char* host;
  const char* port;
  bool bypass;
};

class NoProxy : public ::testing::TestWithParam<Case> {};

TEST_P(NoProxy, DecidesWhetherTheHostGoesDirect) {
  const Case& c = GetParam();
  EXPECT_EQ(NoProxyRules::parse(c.list).bypasses(c.host, c.port), c.bypass)
      << "NO_PROXY=" << c.list << " host=" << c.host << ":" << c.port;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NoProxy,
    ::testing::Values(
        // Empty lists and blanks bypass nothing.
        Case{"", "api.example.com", "443", false}, Case{" , ,", "api.example.com", "443", false},
        // "*" bypasses everything, names and addresses alike.
        Case{"*", "api.example.com", "443", true}, Case{"*", "10.1.2.3", "443", true},
        // A name matches itself and every name below it, with or without a leading dot or "*.".
        Case{"example.com", "example.com", "443", true},
        Case{"example.com", "api.example.com", "443", true},
        Case{".example.com", "api.example.com", "443", true},
        Case{".example.com", "example.com", "443", true},
        Case{"*.example.com", "a.b.example.com", "443", true},
        Case{"example.com", "badexample.com", "443", false},
        Case{"api.example.com", "example.com", "443", false},
        // Case and a trailing dot do not matter; blanks around entries are trimmed.
        Case{"Example.COM", "API.example.com.", "443", true},
        Case{"other.test, example.com ,x", "api.example.com", "443", true},
        Case{"other.test example.com", "api.example.com", "443", true},
        // Addresses match exactly, or by CIDR block; IPv6 with or without brackets.
        Case{"10.1.2.3", "10.1.2.3", "443", true}, Case{"10.1.2.3", "10.1.2.4", "443", false},
        Case{"10.0.0.0/8", "10.200.3.4", "443", true}, Case{"10.0.0.0/8", "11.0.0.1", "443", false},
        Case{"192.168.1.0/25", "192.168.1.127", "443", true},
        Case{"192.168.1.0/25", "192.168.1.128", "443", false},
        Case{"::1", "::1", "443", true}, Case{"[::1]", "::1", "443", true},
        Case{"fd00::/8", "fd12:3456::1", "443", true}, Case{"fd00::/8", "fe80::1", "443", false},
        Case{"0.0.0.0/0", "8.8.8.8", "443", true},
        // No DNS: a name rule never matches an address and an address rule never a name.
        Case{"localhost", "127.0.0.1", "443", false}, Case{"127.0.0.1", "localhost", "443", false},
        // An entry with a port bypasses only that port.
        Case{"example.com:8443", "api.example.com", "8443", true},
        Case{"example.com:8443", "api.example.com", "443", false},
        Case{"[::1]:8443", "::1", "8443", true}, Case{"[::1]:8443", "::1", "443", false},
        Case{"10.1.2.3:443", "10.1.2.3", "443", true},
        // Nonsense entries are skipped, not fatal.
        Case{"10.0.0.0/99,example.com:http,/8", "10.0.0.1", "443", false},
        Case{"10.0.0.0/99,example.com", "api.example.com", "443", true}));

TEST(NoProxyRules, AnEmptyListIsEmpty) {
  EXPECT_TRUE(NoProxyRules::parse("").empty());
  EXPECT_TRUE(NoProxyRules::parse(" , ").empty());
  EXPECT_FALSE(NoProxyRules::parse("localhost").empty());
}

}  // namespace
