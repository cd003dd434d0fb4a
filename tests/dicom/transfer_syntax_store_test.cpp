// Each transfer syntax the receiver accepts, stored byte for byte as sent: the instance is made
// in that syntax (DCMTK's command-line tools where they can encode it, by hand otherwise), sent
// by DcmSCU proposing exactly that syntax, and the spooled dataset compared with the sent one.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstdlib>
#include <fstream>

#include "context_sender.hpp"
#include "dicom_bytes.hpp"
#include "listener_fixture.hpp"
#include "raw_store_sender.hpp"

namespace {

const std::string kStudy = "1.2.826.0.1.3680043.10.543.910";
const std::string kSop = kStudy + ".1.1";

/// How the test instance is made in one syntax: a DCMTK tool and its options, or by hand.
struct Encoding {
  std::string_view syntax;   // gw::TransferSyntaxName::name
  std::string_view command;  // "dcmconv +te"; empty: an encapsulated dataset built by hand
};

// JPEG 2000, MPEG-2/-4 and HEVC have no encoder among Debian's DCMTK tools; since the receiver
// never decodes pixel data, a hand-built encapsulated Pixel Data (offset table and one fragment
// of codestream-looking bytes) tests the same path. dcmcjpls +en needs more than 2x2 pixels.
constexpr Encoding kEncodings[] = {
    {"explicit_little_endian", "dcmconv +te"},
    {"implicit_little_endian", "dcmconv +ti"},
    {"explicit_big_endian", "dcmconv +tb"},
    {"deflated", "dcmconv +td"},
    {"jpeg_lossless_sv1", "dcmcjpeg +e1"},
    {"jpeg_lossless", "dcmcjpeg +el"},
    {"jpeg_ls_lossless", "dcmcjpls +el"},
    {"jpeg2000_lossless", ""},
    {"rle", "dcmcrle"},
    {"jpeg_baseline", "dcmcjpeg +eb"},
    {"jpeg_extended", "dcmcjpeg +ee"},
    {"jpeg_ls_near_lossless", "dcmcjpls +en"},
    {"jpeg2000", ""},
    {"mpeg2_main", ""},
    {"mpeg2_high", ""},
    {"mpeg4_high_4_1", ""},
    {"mpeg4_bd_high_4_1", ""},
    {"hevc_main_5_1", ""},
    {"hevc_main10_5_1", ""},
};

/// A 16x16 CT image, explicit little endian.
void write_image(const std::string& path) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, kSop.c_str());
  ds->putAndInsertString(DCM_StudyInstanceUID, kStudy.c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, (kStudy + ".1").c_str());
  ds->putAndInsertString(DCM_Modality, "CT");
  ds->putAndInsertUint16(DCM_Rows, 16);
  ds->putAndInsertUint16(DCM_Columns, 16);
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  Uint16 pixels[256];
  for (unsigned i = 0; i < 256; ++i) pixels[i] = static_cast<Uint16>(i * 7 % 4096);
  ds->putAndInsertUint16Array(DCM_PixelData, pixels, 256);
  if (file.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) FAIL() << "cannot write " << path;
}

/// The same attributes with encapsulated Pixel Data, as a Part 10 file in `syntax`.
void write_encapsulated(const std::string& path, std::string_view syntax) {
  gw::test::DicomBytes ds;  // explicit VR little endian, as every encapsulated syntax is
  const std::string one("\1\0", 2), sixteen("\x10\0", 2), twelve("\x0c\0", 2), eleven("\x0b\0", 2);
  ds.element(0x0008, 0x0016, "UI", gw::test::kCtImageStorage)
      .element(0x0008, 0x0018, "UI", kSop)
      .element(0x0008, 0x0060, "CS", "CT")
      .element(0x0020, 0x000D, "UI", kStudy)
      .element(0x0020, 0x000E, "UI", kStudy + ".1")
      .element(0x0028, 0x0002, "US", one)
      .element(0x0028, 0x0004, "CS", "MONOCHROME2")
      .element(0x0028, 0x0010, "US", sixteen)
      .element(0x0028, 0x0011, "US", sixteen)
      .element(0x0028, 0x0100, "US", sixteen)
      .element(0x0028, 0x0101, "US", twelve)
      .element(0x0028, 0x0102, "US", eleven)
      .element(0x0028, 0x0103, "US", std::string("\0\0", 2));
  const std::string fragment("\xFF\x4F\xFF\x51\0\x2A\0\0\0\0\0\x10\0\0\0\x10hand-made fragment", 34);
  ds.tag(0x7FE0, 0x0010).raw("OB").u16(0).u32(0xFFFFFFFF);
  ds.item(0);  // empty basic offset table
  ds.item(static_cast<std::uint32_t>(fragment.size())).raw(fragment);
  ds.sequence_end();
  const auto bytes = gw::test::part10(syntax, ds.bytes());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

std::string meta_syntax(const std::string& file) {
  DcmFileFormat ff;
  OFString ts;
  if (ff.loadFile(file.c_str()).good()) ff.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, ts);
  return ts.c_str();
}

class TransferSyntaxStoreTest : public gw::test::ListenerFixture,
                                public testing::WithParamInterface<Encoding> {};

TEST_P(TransferSyntaxStoreTest, StoresTheDatasetByteForByteAsSent) {
  const Encoding& encoding = GetParam();
  const gw::TransferSyntaxName* ts = gw::find_transfer_syntax(encoding.syntax);
  ASSERT_NE(ts, nullptr) << encoding.syntax;
  const std::string uid(ts->uid);

  const std::string sent = (dir_ / "sent.dcm").string();
  if (encoding.command.empty()) {
    write_encapsulated(sent, uid);
  } else {
    const std::string tool(encoding.command.substr(0, encoding.command.find(' ')));
    if (std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) != 0) {
      GTEST_SKIP() << tool << " is not installed";
    }
    const std::string source = (dir_ / "source.dcm").string();
    write_image(source);
    const std::string command = std::string(encoding.command) + " " + source + " " + sent;
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  ASSERT_EQ(meta_syntax(sent), uid) << "the instance to send is not in " << encoding.syntax;

  start();
  const auto r = gw::test::propose_and_send(options_, UID_CTImageStorage, {uid}, sent);
  EXPECT_EQ(r.accepted_syntax, uid) << r.error;
  ASSERT_TRUE(r.status.has_value()) << r.error;
  ASSERT_EQ(*r.status, 0x0000);
  ASSERT_EQ(sink_.stored(), 1u);

  const std::string stored = (dir_ / "kept/1.dcm").string();
  EXPECT_EQ(meta_syntax(stored), uid);
  const std::string sent_dataset = gw::test::dataset_bytes(sent);
  const std::string stored_dataset = gw::test::dataset_bytes(stored);
  EXPECT_EQ(stored_dataset.size(), sent_dataset.size());
  EXPECT_TRUE(stored_dataset == sent_dataset) << "the stored dataset differs from the one sent";
}

INSTANTIATE_TEST_SUITE_P(EveryAcceptedSyntax, TransferSyntaxStoreTest, testing::ValuesIn(kEncodings),
                         [](const testing::TestParamInfo<Encoding>& info) {
                           return std::string(info.param.syntax);
                         });

class NonDcmtkSenderTest : public gw::test::ListenerFixture {};

// raw_store_sender writes the PDUs by hand, without DCMTK (AWellFormedDatasetSentRawIsStored
// covers explicit little endian); here implicit VR, compared byte for byte.
TEST_F(NonDcmtkSenderTest, StoresAnImplicitLittleEndianInstanceByteForByte) {
  gw::test::DicomBytes ds(/*explicit_vr=*/false);
  ds.element(0x0008, 0x0016, "UI", gw::test::kCtImageStorage)
      .element(0x0008, 0x0018, "UI", kSop)
      .element(0x0008, 0x0060, "CS", "MR")
      .element(0x0020, 0x000D, "UI", kStudy)
      .element(0x0020, 0x000E, "UI", kStudy + ".1");
  start();
  const auto answer = gw::test::send_raw_store(options_.port, std::string(gw::test::kCtImageStorage),
                                               kSop, std::string(gw::test::kImplicitLittle), ds.bytes());
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_EQ(*answer.status, 0x0000) << answer.error_comment;
  ASSERT_EQ(sink_.stored(), 1u);
  const std::string stored = gw::test::dataset_bytes((dir_ / "kept/1.dcm").string());
  EXPECT_TRUE(stored == std::string(ds.bytes().begin(), ds.bytes().end()));
}

TEST(TransferSyntaxStoreCoverage, EveryKnownSyntaxHasAnEncodingInThisTest) {
  const auto known = gw::known_transfer_syntaxes();
  ASSERT_EQ(known.size(), std::size(kEncodings));
  for (std::size_t i = 0; i < known.size(); ++i) EXPECT_EQ(known[i].name, kEncodings[i].syntax);
}

}  // namespace
