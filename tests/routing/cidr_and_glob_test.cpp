// The building blocks' edge cases, below the YAML: networks, globs, tags, UTF-8 lengths.
#include <gtest/gtest.h>

#include "attribute_key.hpp"
#include "gateway/domain/cidr_block.hpp"
#include "text_util.hpp"
#include "value_test.hpp"

namespace gw::routing {
namespace {

TEST(CidrBlock, RejectsMalformedNetworks) {
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/33", "::/129", "10.0.0/8",
                          "host.example", "10.0.0.0/8/8", "10.0.0.0/-1"}) {
    EXPECT_FALSE(CidrBlock::parse(bad)) << bad;
  }
}

TEST(CidrBlock, MatchesOnlyInsideItsPrefix) {
  const auto block = CidrBlock::parse("192.168.4.0/22");
  ASSERT_TRUE(block);
  EXPECT_TRUE(block->contains("192.168.7.255"));
  EXPECT_FALSE(block->contains("192.168.8.0"));
  EXPECT_FALSE(block->contains("2001:db8::1"));
  EXPECT_TRUE(CidrBlock::parse("0.0.0.0/0")->contains("8.8.8.8"));
  EXPECT_TRUE(CidrBlock::parse("2001:db8::/32")->contains("2001:db8:ffff::1"));
  EXPECT_TRUE(CidrBlock::parse("2001:db8::/33")->contains("2001:db8:7fff::1"));
  EXPECT_FALSE(CidrBlock::parse("2001:db8::/33")->contains("2001:db8:8000::1"));
  EXPECT_TRUE(CidrBlock::parse("::/0")->contains("10.1.2.3")) << "every IPv4 peer, mapped";
}

TEST(CidrBlock, MatchesIpv4PeersInEitherFormAndBareHosts) {
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
  EXPECT_TRUE(CidrBlock::parse("10.0.0.0/8")->contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(CidrBlock::parse("10.0.0.0/8")->contains("::ffff:11.1.2.3"));
  EXPECT_TRUE(CidrBlock::parse("::ffff:0:0/96")->contains("10.1.2.3"));
  EXPECT_TRUE(CidrBlock::parse("10.1.2.3")->contains("10.1.2.3"));
  EXPECT_FALSE(CidrBlock::parse("10.1.2.3")->contains("10.1.2.4"));
  EXPECT_TRUE(CidrBlock::parse("::1")->contains("::1"));
  // Host bits in the network are cleared, as every router and firewall reads them.
  EXPECT_TRUE(CidrBlock::parse("10.9.9.9/8")->contains("10.200.0.1"));
  EXPECT_FALSE(CidrBlock::parse("10.0.0.0/8")->contains("not-an-address"));
}

TEST(GlobToRegex, QuotesEverythingButWildcardsAndClasses) {
  EXPECT_EQ(glob_to_regex("a*b?[!c]"), "^(?:a.*b.[^c])$");
  EXPECT_EQ(glob_to_regex("1.2+"), "^(?:1\\.2\\+)$");
  EXPECT_EQ(glob_to_regex("[x"), "^(?:\\[x)$");
}

TEST(NormaliseTag, AcceptsBothSpellingsInAnyCase) {
  EXPECT_EQ(normalise_tag("(0008,1030)"), "00081030");
  EXPECT_EQ(normalise_tag("(0009, 10ab)"), "000910AB");
  EXPECT_EQ(normalise_tag("0009abcd"), "0009ABCD");
  EXPECT_FALSE(normalise_tag("0008103"));
  EXPECT_FALSE(normalise_tag("(0008;1030)"));
}

TEST(Utf8, CountsAndCutsWholeCharacters) {
  EXPECT_EQ(utf8_length("añb€"), 4u);
  EXPECT_EQ(utf8_prefix("añb€", 2), "añ");
  EXPECT_EQ(utf8_prefix("ab", 5), "ab");
}

TEST(ValueTest, IgnoreCaseFoldsOnlyAsciiLetters) {
  std::string error;
  std::size_t bad = 0;
  const auto test = ValueTest::compile(Operator::equals, {"école"}, true, error, bad);
  EXPECT_TRUE(test.matches("éCOLE"));
  EXPECT_FALSE(test.matches("ÉCOLE"));  // documented: use regex (?i) for Unicode folding
}

}  // namespace
}  // namespace gw::routing
