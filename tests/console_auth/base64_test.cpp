#include "base64.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace gw::console {
namespace {

TEST(Base64, UrlEncodingUsesTheUrlAlphabetAndNoPadding) {
  const std::array<unsigned char, 4> bytes{0xfb, 0xff, 0xbf, 0x01};
  EXPECT_EQ(base64url_encode(bytes), "-_-_AQ");
}

TEST(Base64, ThirtyTwoBytesBecomeFortyThreeCharacters) {
  const std::array<unsigned char, 32> bytes{};
  EXPECT_EQ(base64url_encode(bytes).size(), 43u);
}

struct DecodeCase {
  const char* input;
  std::optional<std::string> expected;
  // Names the case in ctest's list instead of dumping the struct's bytes.
  friend void PrintTo(const DecodeCase& c, std::ostream* out) { *out << '"' << c.input << '"'; }
};

class Base64Decoding : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(Base64Decoding, DecodesOnlyTheCanonicalSpelling) {
  EXPECT_EQ(base64_decode(GetParam().input), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Base64Decoding,
    ::testing::Values(DecodeCase{"", std::string{}}, DecodeCase{"Zm9v", std::string{"foo"}},
                      DecodeCase{"Zm8=", std::string{"fo"}}, DecodeCase{"Zg==", std::string{"f"}},
                      DecodeCase{"Zm8", std::string{"fo"}},  // padding left out
                      DecodeCase{"Zg", std::string{"f"}},
                      DecodeCase{"Zm9v!", std::nullopt},   // not in the alphabet
                      DecodeCase{"Zm-_", std::nullopt},    // the URL alphabet is not Basic's
                      DecodeCase{"Z===", std::nullopt},    // too much padding
                      DecodeCase{"Zg=", std::nullopt},     // padding that does not complete
                      DecodeCase{"Z", std::nullopt},       // six bits cannot end a byte
                      DecodeCase{"Zh==", std::nullopt},    // non-zero unused bits
                      DecodeCase{"Zm=v", std::nullopt}));  // '=' inside

}  // namespace
}  // namespace gw::console
