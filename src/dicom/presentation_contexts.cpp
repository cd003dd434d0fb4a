#include "presentation_contexts.hpp"

#include <dcmtk/dcmdata/dcuid.h>

#include <iterator>

namespace gw::dicom {
namespace {

// Preference order when a sender proposes several: uncompressed first (cheapest to
// accept), then lossless compression, then lossy. Instances are stored as sent.
const char* kTransferSyntaxes[] = {
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

OFCondition accept_storage_contexts(T_ASC_Parameters* params) {
  const char* verification_syntaxes[] = {UID_LittleEndianExplicitTransferSyntax,
                                         UID_LittleEndianImplicitTransferSyntax,
                                         UID_BigEndianExplicitTransferSyntax};
  const char* verification[] = {UID_VerificationSOPClass};
  OFCondition status = ASC_acceptContextsWithPreferredTransferSyntaxes(
      params, verification, 1, verification_syntaxes, 3);
  if (status.bad()) return status;
  return ASC_acceptContextsWithPreferredTransferSyntaxes(
      params, dcmAllStorageSOPClassUIDs, numberOfDcmAllStorageSOPClassUIDs, kTransferSyntaxes,
      static_cast<int>(std::size(kTransferSyntaxes)));
}

}  // namespace gw::dicom
