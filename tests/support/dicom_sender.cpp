#include "dicom_sender.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/dcmtls/tlslayer.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <memory>
#include <mutex>
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

/// DcmSCU with its TLS switch made reachable (DcmTLSSCU would own the TLS setup itself).
class Scu : public DcmSCU {
 public:
  using DcmSCU::useSecureConnection;
};

/// The TLS layer the SCU uses (DcmSCU borrows it: it must outlive the association), or an
/// error. Null without TLS.
std::unique_ptr<DcmTLSTransportLayer> tls_layer(const SendOptions& o, std::string& error) {
  if (!o.tls) return nullptr;
  auto layer = std::make_unique<DcmTLSTransportLayer>(NET_REQUESTOR, nullptr, OFTrue);
  OFCondition status = layer->setTLSProfile(TSP_Profile_BCP195_ND);
  if (status.good()) status = layer->activateCipherSuites();
  if (status.good() && !o.tls->certificate.empty()) {
    status = layer->setPrivateKeyFile(o.tls->private_key.c_str(), DCF_Filetype_PEM);
    if (status.good()) status = layer->setCertificateFile(o.tls->certificate.c_str(), DCF_Filetype_PEM);
  }
  if (status.good() && !o.tls->ca_file.empty()) {
    status = layer->addTrustedCertificateFile(o.tls->ca_file.c_str(), DCF_Filetype_PEM);
  }
  if (status.bad()) {
    error = std::string("TLS setup: ") + status.text();
    return nullptr;
  }
  if (o.tls->max_version == "1.2") {
    SSL_CTX_set_max_proto_version(layer->getNativeHandle(), TLS1_2_VERSION);
  }
  layer->setCertificateVerification(o.tls->ca_file.empty() ? DCV_ignoreCertificate
                                                            : DCV_requireCertificate);
  return layer;
}

/// initNetwork, TLS when asked, negotiateAssociation. One thread at a time: DCMTK 3.6.7's
/// requestor formats into a static buffer while it negotiates (ThreadSanitizer caught two
/// test senders doing it at once); the associations themselves still run side by side.
OFCondition associate(Scu& scu, const SendOptions& o,
                      std::unique_ptr<DcmTLSTransportLayer>& layer) {
  static std::mutex negotiation;
  const std::lock_guard lock(negotiation);
  OFCondition status = scu.initNetwork();
  if (status.good() && o.tls) {
    std::string error;
    layer = tls_layer(o, error);
    if (!layer) return makeOFCondition(0, 1, OF_error, error.c_str());
    status = scu.useSecureConnection(layer.get());
  }
  if (status.good()) status = scu.negotiateAssociation();
  return status;
}

}  // namespace

SendResult send_files(const SendOptions& options, const std::vector<std::string>& files) {
  SendResult result;
  std::unique_ptr<DcmTLSTransportLayer> layer;  // DcmSCU borrows it: declared first, freed last
  Scu scu;
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
  OFCondition status = associate(scu, options, layer);
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
  std::unique_ptr<DcmTLSTransportLayer> layer;
  Scu scu;
  configure(scu, options);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  scu.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  if (associate(scu, options, layer).bad()) return false;
  const bool ok = scu.sendECHORequest(0).good();
  scu.releaseAssociation();
  return ok;
}

}  // namespace gw::test
