#include "presentation_contexts.hpp"

#include <dcmtk/dcmdata/dcuid.h>

namespace gw::dicom {
namespace {

// Preference order when a sender proposes several: uncompressed first (cheapest to
// accept), then lossless compression, then lossy. Instances are stored as sent.
const char* const kTransferSyntaxes[] = {
    UID_LittleEndianExplicitTransferSyntax,
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
    UID_HEVCMain10ProfileLevel5_1TransferSyntax,
};

}  // namespace

OFCondition add_storage_contexts(DcmSCPConfig& config) {
  OFList<OFString> syntaxes;
  for (const char* ts : kTransferSyntaxes) syntaxes.push_back(ts);
  OFList<OFString> verification_syntaxes;
  verification_syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  verification_syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  verification_syntaxes.push_back(UID_BigEndianExplicitTransferSyntax);
  OFCondition status = config.addPresentationContext(UID_VerificationSOPClass, verification_syntaxes);
  for (int i = 0; status.good() && i < numberOfDcmAllStorageSOPClassUIDs; ++i) {
    status = config.addPresentationContext(dcmAllStorageSOPClassUIDs[i], syntaxes);
  }
  return status;
}

}  // namespace gw::dicom
