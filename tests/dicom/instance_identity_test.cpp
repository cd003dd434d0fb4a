// The instance's UIDs and modality come from the scanner's walk, not from a second parse
// (#21): read as DCMTK reads them, top level only, in every transfer syntax the scanner walks,
// and the same as DCMTK's for every fixture the gateway stores.
#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>

#include "dataset_scanner.hpp"
#include "dataset_facts.hpp"
#include "dicom_bytes.hpp"
#include "instance_identity.hpp"

namespace gw::dicom {
namespace {

using Kept = std::vector<std::pair<std::uint32_t, std::string>>;
using test::DicomBytes;
using test::part10;

ScanResult scan_keeping_identity(const std::vector<std::uint8_t>& bytes) {
  ScanLimits limits;
  limits.keep = identity_tags();
  return scan_dicom_bytes(bytes, limits);
}

struct Row {
  const char* name;
  Kept kept;
  const char* study;
  const char* sop;
  const char* modality;
  const char* ambiguity;
};

class IdentityRow : public testing::TestWithParam<Row> {};

TEST_P(IdentityRow, ReadsTheValuesAsDcmtkDoes) {
  const Row& row = GetParam();
  const InstanceIdentity identity = identity_from(row.kept);
  EXPECT_EQ(identity.study_instance_uid, row.study);
  EXPECT_EQ(identity.sop_instance_uid, row.sop);
  EXPECT_EQ(identity.modality, row.modality);
  EXPECT_EQ(identity.ambiguity, row.ambiguity);
}

INSTANTIATE_TEST_SUITE_P(
    Table, IdentityRow,
    testing::Values(
        Row{"padding_trimmed", {{0x0020000D, std::string("1.2.3\0", 6)}, {0x00080018, "1.2.4 "}, {0x00080060, "CT"}},
            "1.2.3", "1.2.4", "CT", ""},
        Row{"absent_values_are_empty", {}, "", "", "", ""},
        Row{"leading_spaces_trimmed", {{0x00080060, " MR "}}, "", "", "MR", ""},
        Row{"first_modality_of_several", {{0x00080060, "CT\\PT"}}, "", "", "CT", ""},
        Row{"study_uid_with_two_values", {{0x0020000D, "1.2\\1.3"}}, "1.2", "", "", "StudyInstanceUID has 2 values"},
        Row{"series_uid_with_three_values", {{0x0020000E, "1\\2\\3"}}, "", "", "", "SeriesInstanceUID has 3 values"},
        Row{"sop_uid_with_two_values", {{0x00080018, "1.2\\"}}, "", "1.2", "", "SOPInstanceUID has 2 values"},
        Row{"the_first_occurrence_counts", {{0x0020000D, "1.2"}, {0x0020000D, "9.9"}}, "1.2", "", "", ""}),
    [](const testing::TestParamInfo<Row>& info) { return std::string(info.param.name); });

TEST(InstanceIdentity, KeepsTopLevelValuesOnlyNotTheSameTagsInsideSequences) {
  DicomBytes d;
  d.element(0x0008, 0x0018, "UI", "1.2.3.4.5")
      .sequence(0x0008, 0x1115, 0xFFFFFFFF)
      .item(0xFFFFFFFF)
      .element(0x0020, 0x000D, "UI", "9.9.9")  // a referenced study, not this instance's
      .item_end()
      .sequence_end()
      .element(0x0020, 0x000D, "UI", "1.2.3.4");
  const ScanResult r = scan_keeping_identity(part10(test::kExplicitLittle, d.bytes()));
  ASSERT_TRUE(r.ok) << r.reason;
  const InstanceIdentity identity = identity_from(r.kept);
  EXPECT_EQ(identity.study_instance_uid, "1.2.3.4");
  EXPECT_EQ(identity.sop_instance_uid, "1.2.3.4.5");
}

TEST(InstanceIdentity, ReadsImplicitBigEndianAndDeflatedSyntaxes) {
  const auto dataset = [](bool explicit_vr, bool big_endian) {
    DicomBytes d(explicit_vr, big_endian);
    d.element(0x0008, 0x0018, "UI", "1.2.5").element(0x0008, 0x0060, "CS", "US")
        .element(0x0020, 0x000D, "UI", "1.2.6");
    return d.bytes();
  };
  const std::vector<std::vector<std::uint8_t>> files = {
      part10(test::kImplicitLittle, dataset(false, false)),
      part10(test::kExplicitBig, dataset(true, true)),
      part10(test::kDeflated, test::deflate_raw(dataset(true, false))),
      dataset(false, false)};  // no meta header: the syntax is detected
  for (const auto& file : files) {
    const ScanResult r = scan_keeping_identity(file);
    ASSERT_TRUE(r.ok) << r.reason;
    const InstanceIdentity identity = identity_from(r.kept);
    EXPECT_EQ(identity.sop_instance_uid, "1.2.5");
    EXPECT_EQ(identity.modality, "US");
    EXPECT_EQ(identity.study_instance_uid, "1.2.6");
  }
}

TEST(InstanceIdentity, AnSqElementUnderAUidTagIsWalkedNotKept) {
  // A hostile sender cannot hide nesting from the scanner behind a tag it keeps.
  DicomBytes d;
  d.sequence(0x0020, 0x000D, 0xFFFFFFFF).item(0xFFFFFFFF)
      .sequence(0x0008, 0x1115, 0xFFFFFFFF).item(0xFFFFFFFF).item_end().sequence_end()
      .item_end().sequence_end();
  ScanLimits limits;
  limits.keep = identity_tags();
  limits.max_nesting = 1;
  const ScanResult r = scan_dicom_bytes(part10(test::kExplicitLittle, d.bytes()), limits);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("nested deeper than 1"), std::string::npos) << r.reason;
  EXPECT_TRUE(r.kept.empty());
}

TEST(InstanceIdentity, AValueLongerThanTheKeptMaximumIsSkippedAndReadsAsAbsent) {
  DicomBytes d;
  d.element(0x0020, 0x000D, "UI", std::string(kMaxKeptValue + 2, '1'));
  const ScanResult r = scan_keeping_identity(part10(test::kExplicitLittle, d.bytes()));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(identity_from(r.kept).study_instance_uid, "");
}

TEST(InstanceIdentity, AgreesWithDcmtkOnEveryFixtureTheGatewayStores) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GW_FIXTURE_DIR)) {
    if (entry.path().extension() != ".dcm") continue;
    ScanLimits limits;
    limits.keep = identity_tags();
    const ScanResult r = scan_dicom_file(entry.path(), limits);
    ASSERT_TRUE(r.ok) << entry.path() << ": " << r.reason;
    const InstanceIdentity identity = identity_from(r.kept);

    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(entry.path().c_str()).good()) << entry.path();
    const auto dcmtk = [&](const DcmTagKey& tag) {
      OFString value;
      format.getDataset()->findAndGetOFString(tag, value);
      return trim_dicom(value.c_str());
    };
    EXPECT_EQ(identity.study_instance_uid, dcmtk(DCM_StudyInstanceUID)) << entry.path();
    EXPECT_EQ(identity.series_instance_uid, dcmtk(DCM_SeriesInstanceUID)) << entry.path();
    EXPECT_EQ(identity.sop_instance_uid, dcmtk(DCM_SOPInstanceUID)) << entry.path();
    EXPECT_EQ(identity.modality, dcmtk(DCM_Modality)) << entry.path();
    ++seen;
  }
  EXPECT_GT(seen, 5);
}

TEST(InstanceIdentity, FactsWhenTheDatasetCannotBeParsedHoldTheIdentityAndTheAssociation) {
  InstanceIdentity identity;
  identity.study_instance_uid = "1.2.3";
  identity.modality = "MR";
  const StudyFacts facts = identity.facts({"MODALITY1", "GATEWAY", "10.0.0.5"});
  EXPECT_EQ(facts.study_instance_uid, "1.2.3");
  EXPECT_EQ(facts.first("StudyInstanceUID"), "1.2.3");
  EXPECT_EQ(facts.first("0020000D"), "1.2.3");
  EXPECT_EQ(facts.first("Modality"), "MR");
  EXPECT_EQ(facts.find("SeriesInstanceUID"), nullptr) << "absent values are not facts";
  EXPECT_EQ(facts.first("calling_ae"), "MODALITY1");
  EXPECT_EQ(facts.first("peer_address"), "10.0.0.5");
}

}  // namespace
}  // namespace gw::dicom
