#include "dicom_sender.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include <cstdlib>
#include <set>

namespace gw::test {
namespace {

// DCMTK turns Nagle off on the connections it opens when TCP_NODELAY=1 is in the environment.
// Set before main(), while no thread can be reading the environment.
[[maybe_unused]] const bool kNagleOff = [] { return ::setenv("TCP_NODELAY", "1", 0) == 0; }();

void configure(DcmSCU& scu, const SendOptions& o) {
  scu.setAETitle(o.calling_ae.c_str());
  scu.setPeerHostName(o.host.c_str());
  scu.setPeerPort(o.port);
  scu.setPeerAETitle(o.called_ae.c_str());
  scu.setACSETimeout(10);
  scu.setDIMSETimeout(30);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu.setVerbosePCMode(OFFalse);
}

}  // namespace

SendResult send_files(const SendOptions& options, const std::vector<std::string>& files) {
  SendResult result;
  DcmSCU scu;
  configure(scu, options);
  std::set<std::pair<std::string, std::string>> contexts;
  for (const auto& file : files) {
    DcmFileFormat ff;
    if (ff.loadFile(file.c_str()).bad()) {
      result.error = "cannot read " + file;
      return result;
    }
    OFString sop_class;
    ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sop_class);
    OFString xfer;
    ff.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, xfer);
    contexts.emplace(sop_class.c_str(), xfer.c_str());
  }
  for (const auto& [sop_class, xfer] : contexts) {
    OFList<OFString> syntaxes;
    syntaxes.push_back(xfer.c_str());
    scu.addPresentationContext(sop_class.c_str(), syntaxes);
  }
  if (contexts.empty()) {
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    scu.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  }
  OFCondition status = scu.initNetwork();
  if (status.good()) status = scu.negotiateAssociation();
  if (status.bad()) {
    result.error = status.text();
    return result;
  }
  result.associated = true;
  for (const auto& file : files) {
    Uint16 rsp = 0;
    // Context 0: DcmSCU picks the one negotiated for the file's SOP class and syntax.
    status = scu.sendSTORERequest(0, file.c_str(), nullptr, rsp);
    if (status.bad()) {
      result.error = status.text();
      break;
    }
    result.statuses.push_back(rsp);
  }
  if (status.good()) scu.releaseAssociation();
  else scu.abortAssociation();
  return result;
}

bool echo(const SendOptions& options) {
  DcmSCU scu;
  configure(scu, options);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  scu.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  if (scu.initNetwork().bad() || scu.negotiateAssociation().bad()) return false;
  const bool ok = scu.sendECHORequest(0).good();
  scu.releaseAssociation();
  return ok;
}

}  // namespace gw::test
