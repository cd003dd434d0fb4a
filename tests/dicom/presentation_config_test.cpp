// dicom.extra_sop_classes, dicom.accept_unknown_sop_classes, dicom.transfer_syntaxes in the
// configuration file: defaults, names and UIDs, located errors.
#include <gtest/gtest.h>

#include "gateway/config/config_loader.hpp"

namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

gw::config::LoadResult load(const std::string& yaml) {
  return gw::config::load_config_text(yaml + kRouting, "t.yaml", {});
}

std::string messages(const gw::config::LoadResult& r) {
  std::string all;
  for (const auto& d : r.diagnostics) {
    all += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message + "\n";
  }
  return all;
}

TEST(PresentationConfig, DefaultsToDcmtksClassesOnlyAndTheBuiltInSyntaxes) {
  const auto r = load("");
  ASSERT_TRUE(r.config) << messages(r);
  EXPECT_TRUE(r.config->dicom.presentation.extra_sop_classes.empty());
  EXPECT_FALSE(r.config->dicom.presentation.accept_unknown_sop_classes);
  EXPECT_TRUE(r.config->dicom.presentation.transfer_syntaxes.empty());
}

TEST(PresentationConfig, ReadsExtraClassesAndSyntaxesByNameOrUidInOrder) {
  const auto r = load(
      "dicom:\n"
      "  extra_sop_classes: [1.2.826.0.1.3680043.10.543.900.1]\n"
      "  accept_unknown_sop_classes: true\n"
      "  transfer_syntaxes: [jpeg_lossless_sv1, 1.2.840.10008.1.2.1, implicit_little_endian]\n");
  ASSERT_TRUE(r.config) << messages(r);
  const auto& p = r.config->dicom.presentation;
  EXPECT_EQ(p.extra_sop_classes, (std::vector<std::string>{"1.2.826.0.1.3680043.10.543.900.1"}));
  EXPECT_TRUE(p.accept_unknown_sop_classes);
  EXPECT_EQ(p.transfer_syntaxes, (std::vector<std::string>{"1.2.840.10008.1.2.4.70",
                                                           "1.2.840.10008.1.2.1",
                                                           "1.2.840.10008.1.2"}));
}

TEST(PresentationConfig, AnInvalidExtraSopClassIsReportedAtItsLineAndColumn) {
  const auto r = load("dicom:\n  extra_sop_classes:\n    - 1.2.3\n    - 1.2.abc\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("t.yaml:4:7: 'dicom.extra_sop_classes[]' must be a UID"),
            std::string::npos)
      << messages(r);
}

TEST(PresentationConfig, AUidLongerThan64CharactersIsRefused) {
  const auto r = load("dicom:\n  extra_sop_classes: [" + std::string("1.") + std::string(63, '2') + "]\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("must be a UID"), std::string::npos) << messages(r);
}

TEST(PresentationConfig, AnUnknownTransferSyntaxNameIsReportedWithTheKnownNames) {
  const auto r = load("dicom:\n  transfer_syntaxes: [explicit_little_endian, jpeg_xl]\n");
  EXPECT_FALSE(r.config);
  const std::string all = messages(r);
  EXPECT_NE(all.find("t.yaml:2:47: 'dicom.transfer_syntaxes[]' must be one of explicit_little_endian"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("not 'jpeg_xl'"), std::string::npos) << all;
}

TEST(PresentationConfig, ANameAndItsUidListedBothAreADuplicate) {
  const auto r = load("dicom:\n  transfer_syntaxes: [rle, 1.2.840.10008.1.2.5]\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("twice"), std::string::npos) << messages(r);
}

TEST(PresentationConfig, AnEmptyTransferSyntaxListIsRefused) {
  const auto r = load("dicom:\n  transfer_syntaxes: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("at least one"), std::string::npos) << messages(r);
}

TEST(PresentationConfig, ANonListIsRefused) {
  const auto r = load("dicom:\n  extra_sop_classes: 1.2.3\n");
  EXPECT_FALSE(r.config);
  EXPECT_NE(messages(r).find("must be a list"), std::string::npos) << messages(r);
}

}  // namespace
