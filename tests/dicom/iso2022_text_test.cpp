#include <gtest/gtest.h>

#include "iso2022_text.hpp"

namespace {

struct Iso2022Case {
  const char* name;
  std::vector<std::string> charsets;
  std::string bytes;
  bool person_name;
  std::string utf8;
};

class Iso2022Decoding : public testing::TestWithParam<Iso2022Case> {};

TEST_P(Iso2022Decoding, ProducesUtf8) {
  const auto& c = GetParam();
  EXPECT_EQ(gw::dicom::iso2022_to_utf8(c.bytes, c.charsets, c.person_name), c.utf8) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Iso2022Decoding,
    testing::Values(
        Iso2022Case{"plain ASCII", {"", "ISO 2022 IR 87"}, "Head MRI", false, "Head MRI"},
        Iso2022Case{"JIS X 0208 kanji (PS3.5 H.3.1)",
                    {"", "ISO 2022 IR 87"},
                    "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B",
                    true,
                    "Yamada^Tarou=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E"},
        Iso2022Case{"JIS X 0201 katakana in G1",
                    {"ISO 2022 IR 13", "ISO 2022 IR 87"},
                    "\xd4\xcf\xc0\xde",
                    false,
                    "\xEF\xBE\x94\xEF\xBE\x8F\xEF\xBE\x80\xEF\xBE\x9E"},
        Iso2022Case{"Korean KS X 1001 (PS3.5 I.2)",
                    {"", "ISO 2022 IR 149"},
                    "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7",
                    true,
                    "Hong^Gildong=\xE6\xB4\xAA^\xE5\x90\x89\xE6\xB4\x9E"},
        Iso2022Case{"Latin-1 by escape", {"", "ISO 2022 IR 100"}, "\x1b-Ac\xe9", false,
                    "c\xC3\xA9"},
        Iso2022Case{"an unknown escape and a stray byte are replaced",
                    {"", "ISO 2022 IR 87"},
                    "A\x1b%Z\x90",
                    false,
                    "A%Z\xEF\xBF\xBD"}));

TEST(Iso2022, IsRecognisedFromTheSpecificCharacterSet) {
  EXPECT_TRUE(gw::dicom::uses_code_extensions({"", "ISO 2022 IR 87"}));
  EXPECT_FALSE(gw::dicom::uses_code_extensions({"ISO_IR 100"}));
}

}  // namespace
