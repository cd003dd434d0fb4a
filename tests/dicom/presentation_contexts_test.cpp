// Negotiation: private SOP classes only when listed, unknown ones only when allowed, and the
// configured transfer syntax order chosen whatever order the sender proposes.
#include <dcmtk/dcmdata/dcuid.h>

#include "context_sender.hpp"
#include "dicom_bytes.hpp"
#include "dicom_files.hpp"
#include "listener_fixture.hpp"
#include "presentation_contexts.hpp"

namespace {

using gw::test::propose_and_send;

const std::string kCt(gw::test::kCtImageStorage);
const std::string kExplicit(gw::test::kExplicitLittle);
const std::string kImplicit(gw::test::kImplicitLittle);
const std::string kJpegSv1 = "1.2.840.10008.1.2.4.70";
// Under the test root of this repository's UIDs, so DCMTK has no name for it.
const std::string kPrivateClass = "1.2.826.0.1.3680043.10.543.900.1";

class PresentationContextsTest : public gw::test::ListenerFixture {
 protected:
  /// A CT instance whose SOP class is `sop_class`.
  std::string instance_of(const std::string& sop_class) {
    const std::string file = (dir_ / "send.dcm").string();
    gw::test::write_instance(file, {"1.2.826.0.1.3680043.10.543.900", "1.2.826.0.1.3680043.10.543.900.1.1"});
    gw::test::set_sop_class(file, sop_class);
    return file;
  }
};

TEST(TransferSyntaxTable, EveryUidIsDcmtksAndEveryNameIsFound) {
  const char* dcmtk[] = {UID_LittleEndianExplicitTransferSyntax,
                         UID_LittleEndianImplicitTransferSyntax,
                         UID_BigEndianExplicitTransferSyntax,
                         UID_DeflatedExplicitVRLittleEndianTransferSyntax,
                         UID_JPEGProcess14SV1TransferSyntax,
                         UID_JPEGProcess14TransferSyntax,
                         UID_JPEGLSLosslessTransferSyntax,
                         UID_JPEG2000LosslessOnlyTransferSyntax,
                         UID_RLELosslessTransferSyntax,
                         UID_JPEGProcess1TransferSyntax,
                         UID_JPEGProcess2_4TransferSyntax,
                         UID_JPEGLSLossyTransferSyntax,
                         UID_JPEG2000TransferSyntax,
                         UID_MPEG2MainProfileAtMainLevelTransferSyntax,
                         UID_MPEG2MainProfileAtHighLevelTransferSyntax,
                         UID_MPEG4HighProfileLevel4_1TransferSyntax,
                         UID_MPEG4BDcompatibleHighProfileLevel4_1TransferSyntax,
                         UID_HEVCMainProfileLevel5_1TransferSyntax,
                         UID_HEVCMain10ProfileLevel5_1TransferSyntax};
  const auto known = gw::known_transfer_syntaxes();
  ASSERT_EQ(known.size(), std::size(dcmtk));
  for (std::size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ(known[i].uid, dcmtk[i]) << known[i].name;
    EXPECT_EQ(gw::find_transfer_syntax(known[i].name), &known[i]);
    EXPECT_EQ(gw::find_transfer_syntax(known[i].uid), &known[i]);
  }
  EXPECT_EQ(gw::find_transfer_syntax("jpeg_xl"), nullptr);
}

TEST_F(PresentationContextsTest, APrivateSopClassIsRefusedWhenNotListed) {
  start();
  const auto r = propose_and_send(options_, kPrivateClass, {kExplicit});
  EXPECT_TRUE(r.accepted_syntax.empty()) << r.accepted_syntax;
  EXPECT_EQ(sink_.stored(), 0u);
}

TEST_F(PresentationContextsTest, APrivateSopClassListedInExtraSopClassesIsStored) {
  settings_.presentation.extra_sop_classes = {kPrivateClass};
  start();
  const auto r = propose_and_send(options_, kPrivateClass, {kExplicit}, instance_of(kPrivateClass));
  EXPECT_EQ(r.accepted_syntax, kExplicit) << r.error;
  ASSERT_TRUE(r.status.has_value()) << r.error;
  EXPECT_EQ(*r.status, 0x0000);
  EXPECT_EQ(sink_.stored(), 1u);
}

TEST_F(PresentationContextsTest, AnUnknownSopClassIsRefusedByDefault) {
  start();
  const std::string unknown = "1.2.826.0.1.3680043.10.543.901.7";
  const auto r = propose_and_send(options_, unknown, {kExplicit, kImplicit});
  EXPECT_TRUE(r.accepted_syntax.empty());
}

TEST_F(PresentationContextsTest, AnUnknownSopClassIsStoredWithAcceptUnknownSopClasses) {
  settings_.presentation.accept_unknown_sop_classes = true;
  start();
  const std::string unknown = "1.2.826.0.1.3680043.10.543.901.7";
  const auto r = propose_and_send(options_, unknown, {kImplicit, kExplicit}, instance_of(unknown));
  EXPECT_EQ(r.accepted_syntax, kExplicit) << "the built-in order prefers explicit LE";
  ASSERT_TRUE(r.status.has_value()) << r.error;
  EXPECT_EQ(*r.status, 0x0000);
  EXPECT_EQ(sink_.stored(), 1u);
}

TEST_F(PresentationContextsTest, AcceptUnknownSopClassesStillRefusesAKnownNonStorageService) {
  settings_.presentation.accept_unknown_sop_classes = true;
  start();
  const auto r = propose_and_send(options_, UID_FINDModalityWorklistInformationModel, {kExplicit});
  EXPECT_TRUE(r.accepted_syntax.empty()) << "a worklist query is not an instance to store";
}

TEST_F(PresentationContextsTest, TheBuiltInOrderPrefersExplicitLittleEndianToWhatTheSenderListsFirst) {
  start();
  const auto r = propose_and_send(options_, kCt, {kJpegSv1, kImplicit, kExplicit});
  EXPECT_EQ(r.accepted_syntax, kExplicit) << r.error;
}

TEST_F(PresentationContextsTest, TheConfiguredOrderIsHonouredWhenSeveralAreProposed) {
  settings_.presentation.transfer_syntaxes = {kJpegSv1, kExplicit};
  start();
  const auto r = propose_and_send(options_, kCt, {kImplicit, kExplicit, kJpegSv1});
  EXPECT_EQ(r.accepted_syntax, kJpegSv1) << r.error;
}

TEST_F(PresentationContextsTest, ATransferSyntaxLeftOutOfTheConfiguredListIsRefused) {
  settings_.presentation.transfer_syntaxes = {kJpegSv1, kExplicit};
  start();
  const auto r = propose_and_send(options_, kCt, {kImplicit});
  EXPECT_TRUE(r.accepted_syntax.empty()) << r.accepted_syntax;
}

TEST_F(PresentationContextsTest, VerificationIsAcceptedWhateverTheStorageSyntaxes) {
  settings_.presentation.transfer_syntaxes = {kJpegSv1};
  start();
  EXPECT_TRUE(gw::test::echo(options_));
}

TEST(AcceptedStorageSopClasses, AreDcmtksThenTheExtrasNotAlreadyAmongThem) {
  gw::PresentationPolicy policy;
  const auto base = gw::dicom::accepted_storage_sop_classes(policy);
  EXPECT_EQ(base.size(), static_cast<std::size_t>(numberOfDcmAllStorageSOPClassUIDs));
  policy.extra_sop_classes = {kPrivateClass, kCt};
  const auto with_extra = gw::dicom::accepted_storage_sop_classes(policy);
  ASSERT_EQ(with_extra.size(), base.size() + 1);
  EXPECT_EQ(with_extra.back(), kPrivateClass);
}

}  // namespace
