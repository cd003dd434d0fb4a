// The hostile-input scanner, case by case: every fixture the gateway must accept, and one
// hand-built byte stream for each way a sender can make DCMTK's recursive parser suffer.
#include <gtest/gtest.h>

#include <filesystem>

#include "dataset_scanner.hpp"
#include "dicom_bytes.hpp"
#include "dicom_files.hpp"
#include "temp_dir.hpp"

namespace {

using gw::dicom::ScanLimits;
using gw::dicom::ScanResult;
using gw::test::DicomBytes;
using gw::test::deflate_raw;
using gw::test::part10;

ScanResult scan(const std::vector<std::uint8_t>& bytes, ScanLimits limits = {}) {
  return gw::dicom::scan_dicom_bytes(bytes, limits);
}

std::vector<std::uint8_t> small_dataset(bool explicit_vr = true, bool big_endian = false) {
  DicomBytes d(explicit_vr, big_endian);
  d.element(0x0008, 0x0016, "UI", gw::test::kCtImageStorage)
      .element(0x0008, 0x0018, "UI", "1.2.3.4.5")
      .element(0x0008, 0x0060, "CS", "CT")
      .sequence(0x0008, 0x1115, 0xFFFFFFFF)
      .item(0xFFFFFFFF)
      .element(0x0020, 0x000E, "UI", "1.2.3.4.6")
      .item_end()
      .sequence_end()
      .element(0x0020, 0x000D, "UI", "1.2.3.4");
  return d.bytes();
}

TEST(DatasetScanner, AcceptsEveryFixtureTheGatewayStores) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GW_FIXTURE_DIR)) {
    if (entry.path().extension() != ".dcm") continue;
    const ScanResult r = gw::dicom::scan_dicom_file(entry.path(), {});
    EXPECT_TRUE(r.ok) << entry.path() << ": " << r.reason;
    ++seen;
  }
  EXPECT_GT(seen, 5);
}

TEST(DatasetScanner, AcceptsAFileDcmtkWrote) {
  gw::test::TempDir dir;
  gw::test::write_instance((dir / "ct.dcm").string(), {"1.2.3", "1.2.3.1"});
  const ScanResult r = gw::dicom::scan_dicom_file(dir / "ct.dcm", {});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.transfer_syntax, gw::test::kExplicitLittle);
}

TEST(DatasetScanner, RefusesAFileThatCannotBeOpened) {
  const ScanResult r = gw::dicom::scan_dicom_file("/nonexistent/rx.part", {});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason, "");
}

struct Case {
  std::string name;
  std::vector<std::uint8_t> bytes;
  bool accepted;
  std::string reason_contains;  // for refusals
  ScanLimits limits{};
};

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({"explicit_little_endian", part10(gw::test::kExplicitLittle, small_dataset()), true, ""});
  c.push_back({"implicit_little_endian", part10(gw::test::kImplicitLittle, small_dataset(false)), true, ""});
  c.push_back({"explicit_big_endian", part10(gw::test::kExplicitBig, small_dataset(true, true)), true, ""});
  c.push_back({"bare_dataset_without_meta_header", small_dataset(), true, ""});
  c.push_back({"deflated", part10(gw::test::kDeflated, deflate_raw(small_dataset())), true, ""});
  c.push_back({"nesting_at_the_limit", part10(gw::test::kExplicitLittle, gw::test::nested_sequences(32, "1.2", "1.2.3")), true, ""});
  c.push_back({"defined_length_nesting_at_the_limit", part10(gw::test::kExplicitLittle, gw::test::nested_defined_sequences(32)), true, ""});
  {
    DicomBytes d;  // JPEG-style encapsulated pixel data: offset table, two fragments
    d.element(0x0008, 0x0018, "UI", "1.2.3").tag(0x7FE0, 0x0010).raw("OB").u16(0).u32(0xFFFFFFFF);
    d.item(0).item(4).raw("abcd").item(2).raw("ef").sequence_end();
    c.push_back({"encapsulated_pixel_data", part10("1.2.840.10008.1.2.4.70", d.bytes()), true, ""});
  }

  c.push_back({"nesting_bomb_10000_levels_undefined_length",
               part10(gw::test::kExplicitLittle, gw::test::nested_sequences(10'000, "1.2", "1.2.3")), false,
               "nested deeper than 32"});
  c.push_back({"nesting_one_beyond_the_limit",
               part10(gw::test::kExplicitLittle, gw::test::nested_sequences(33, "1.2", "1.2.3")), false,
               "nested deeper than 32"});
  c.push_back({"defined_length_nesting_bomb",
               part10(gw::test::kExplicitLittle, gw::test::nested_defined_sequences(10'000)), false,
               "nested deeper than 32"});
  c.push_back({"implicit_defined_length_nesting_bomb",
               part10(gw::test::kImplicitLittle, gw::test::nested_defined_sequences(10'000, false)), false,
               "nested deeper than 32"});
  c.push_back({"big_endian_nesting_bomb",
               part10(gw::test::kExplicitBig, gw::test::nested_defined_sequences(1'000, true, true)), false,
               "nested deeper than 32"});
  c.push_back({"deflated_nesting_bomb",
               part10(gw::test::kDeflated, deflate_raw(gw::test::nested_sequences(10'000, "1.2", "1.2.3"))),
               false, "nested deeper than 32"});
  {
    DicomBytes d;
    d.element(0x0008, 0x0018, "UI", "1.2.3").tag(0x7FE0, 0x0010).raw("OW").u16(0).u32(1'000'000).raw("0123456789");
    c.push_back({"value_length_beyond_the_end", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "runs past the end"});
  }
  {
    DicomBytes d;  // the item claims more bytes than its sequence holds
    d.sequence(0x0008, 0x1115, 16).item(100).element(0x0020, 0x000E, "UI", "1.2");
    c.push_back({"item_longer_than_its_sequence", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "crosses the end"});
  }
  {
    DicomBytes d;
    for (int i = 0; i < 200; ++i) d.element(0x0009, static_cast<std::uint16_t>(0x1000 + i), "LO", "x");
    Case flood{"element_flood", part10(gw::test::kExplicitLittle, d.bytes()), false, "more than 100 elements"};
    flood.limits.max_elements = 100;
    c.push_back(flood);
  }
  {
    auto bytes = part10(gw::test::kExplicitLittle, small_dataset());
    bytes.insert(bytes.end(), {0x10, 0x00, 0x10, 0x00, 'P'});  // 5 bytes of an 8-byte header
    c.push_back({"odd_truncated_header", bytes, false, "truncated element header"});
  }
  {
    DicomBytes d;
    d.sequence(0x0008, 0x1115, 0xFFFFFFFF).item(0xFFFFFFFF).element(0x0020, 0x000E, "UI", "1.2");
    c.push_back({"ends_inside_an_open_sequence", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "ends inside"});
  }
  {
    DicomBytes d;
    d.element(0x0008, 0x0018, "UI", "1.2.3").item_end();
    c.push_back({"stray_item_delimiter", part10(gw::test::kExplicitLittle, d.bytes()), false, "unexpected (FFFE,E00D)"});
  }
  {
    DicomBytes d;
    d.sequence(0x0008, 0x1115, 8).sequence_end();
    c.push_back({"sequence_delimiter_in_defined_sequence", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "sequence delimiter inside"});
  }
  {
    DicomBytes d;
    d.sequence(0x0008, 0x1115, 0xFFFFFFFF).element(0x0020, 0x000E, "UI", "1.2");
    c.push_back({"element_where_an_item_belongs", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "where an item"});
  }
  {
    DicomBytes d;
    d.tag(0x0010, 0x0010).raw("ZZ").u16(2).raw("AB");
    c.push_back({"invalid_vr", part10(gw::test::kExplicitLittle, d.bytes()), false, "invalid VR"});
  }
  {
    DicomBytes d;
    d.tag(0x0010, 0x0010).raw("OB").u16(0).u32(0xFFFFFFFF);
    c.push_back({"undefined_length_on_a_plain_value", part10(gw::test::kExplicitLittle, d.bytes()), false,
                 "undefined length on OB"});
  }
  {
    DicomBytes d;
    d.tag(0x7FE0, 0x0010).raw("OB").u16(0).u32(0xFFFFFFFF).item(0xFFFFFFFF);
    c.push_back({"undefined_length_fragment", part10("1.2.840.10008.1.2.4.70", d.bytes()), false,
                 "undefined-length fragment"});
  }
  {
    auto bytes = part10(gw::test::kDeflated, deflate_raw(gw::test::nested_sequences(2, "1.2", "1.2.3")));
    bytes.resize(bytes.size() - 8);
    c.push_back({"truncated_deflate_stream", bytes, false, ""});
  }
  {
    auto bytes = part10(gw::test::kExplicitLittle, {});
    bytes.resize(140);
    c.push_back({"truncated_meta_header", bytes, false, "past the end"});
  }
  return c;
}

class ScannerCase : public testing::TestWithParam<Case> {};

TEST_P(ScannerCase, GivesTheExpectedVerdict) {
  const Case& c = GetParam();
  const ScanResult r = scan(c.bytes, c.limits);
  EXPECT_EQ(r.ok, c.accepted) << r.reason;
  if (!c.accepted) {
    EXPECT_NE(r.reason, "");
    EXPECT_NE(r.reason.find(c.reason_contains), std::string::npos) << r.reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ScannerCase, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(DatasetScanner, RefusesADecompressionBombAtTheInflatedLimit) {
  DicomBytes d;
  d.element(0x0008, 0x0018, "UI", "1.2.3").tag(0x7FE0, 0x0010).raw("OB").u16(0).u32(4'000'000);
  auto dataset = d.bytes();
  dataset.resize(dataset.size() + 4'000'000, 0);
  ScanLimits limits;
  limits.max_inflated_bytes = 1'000'000;
  const ScanResult r = scan(part10(gw::test::kDeflated, deflate_raw(dataset)), limits);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("inflates beyond"), std::string::npos) << r.reason;
}

TEST(DatasetScanner, UsesTheDictionaryForImplicitDefinedLengthSequences) {
  // Pixel-like bytes that happen to start with an item tag are not a sequence when the
  // dictionary says so; the same bytes under a sequence tag are walked (and here refused).
  DicomBytes d(false);
  d.tag(0x0009, 0x1010).u32(12).item(4).raw("abcd");
  const auto bytes = part10(gw::test::kImplicitLittle, d.bytes());
  ScanLimits plain;
  plain.dictionary = [](std::uint32_t) { return gw::dicom::TagKind::other; };
  EXPECT_TRUE(scan(bytes, plain).ok);
  ScanLimits shallow;
  shallow.max_nesting = 0;
  EXPECT_FALSE(scan(bytes, shallow).ok) << "without a dictionary the item tag decides";
}

TEST(DatasetScanner, ReportsDepthAndElementsOfAnAcceptedDataset) {
  const ScanResult r = scan(part10(gw::test::kExplicitLittle, gw::test::nested_sequences(5, "1.2", "1.2.3")));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.deepest, 5u);
  EXPECT_EQ(r.elements, 5u + 3u + 5u + 5u);  // meta, three UIDs, five sequences, five items
}

}  // namespace
