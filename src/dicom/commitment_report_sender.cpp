// DcmtkReportSender: one DcmSCU association per Storage Commitment report.
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/dcmtls/tlslayer.h>

#include <memory>

#include "commitment_dataset.hpp"
#include "gateway/dicom/commitment_report_sender.hpp"

namespace gw::dicom {
namespace {

/// DcmSCU with its TLS hook reachable (protected in 3.6.7; DcmTLSSCU would bring its own
/// file and cipher handling, which ReportTlsSettings already says).
class ReportScu : public DcmSCU {
 public:
  using DcmSCU::useSecureConnection;
};

Uint32 seconds(std::chrono::milliseconds d) {
  return static_cast<Uint32>((d.count() + 999) / 1000);
}

ReportDelivery failed(std::string what, const OFCondition& cond) {
  return {false, std::move(what) + ": " + cond.text()};
}

/// The TLS layer for a peer with tls: true: our certificate, the peer's verified against the
/// CA (BCP 195 profile). Null and `error` set when a file cannot be used.
std::unique_ptr<DcmTLSTransportLayer> tls_layer(const ReportTlsSettings& tls, std::string& error) {
  auto layer = std::make_unique<DcmTLSTransportLayer>(NET_REQUESTOR, nullptr, OFTrue);
  OFCondition cond = layer->setTLSProfile(TSP_Profile_BCP195);
  if (cond.good()) cond = layer->activateCipherSuites();
  if (cond.good() && !tls.ca_file.empty()) {
    cond = layer->addTrustedCertificateFile(tls.ca_file.c_str(), DCF_Filetype_PEM);
  }
  if (cond.good() && !tls.private_key.empty()) {
    cond = layer->setPrivateKeyFile(tls.private_key.c_str(), DCF_Filetype_PEM);
  }
  if (cond.good() && !tls.certificate.empty()) {
    cond = layer->setCertificateFile(tls.certificate.c_str(), DCF_Filetype_PEM);
  }
  if (cond.bad()) {
    error = std::string("TLS setup: ") + cond.text();
    return nullptr;
  }
  layer->setCertificateVerification(DCV_requireCertificate);
  return layer;
}

}  // namespace

ReportDelivery DcmtkReportSender::send(const domain::DicomPeer& peer,
                                       const domain::CommitmentRequest& resolved) noexcept {
  try {
    std::unique_ptr<DcmTLSTransportLayer> tls;  // outlives the SCU and its association
    ReportScu scu;
    scu.setAETitle(settings_.ae_title.c_str());
    scu.setPeerAETitle(peer.ae_title.c_str());
    scu.setPeerHostName(peer.host.c_str());
    scu.setPeerPort(peer.port);
    scu.setConnectionTimeout(static_cast<Sint32>(seconds(settings_.connect_timeout)));
    scu.setACSETimeout(seconds(settings_.acse_timeout));
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setDIMSETimeout(seconds(settings_.dimse_timeout));
    scu.setVerbosePCMode(OFFalse);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    // PS3.4 J.3.3: the SCP opening an association for a report proposes the SCP role. Some
    // requesters accept only the default role: it is proposed second, as a fallback.
    scu.addPresentationContext(UID_StorageCommitmentPushModelSOPClass, syntaxes, ASC_SC_ROLE_SCP);
    scu.addPresentationContext(UID_StorageCommitmentPushModelSOPClass, syntaxes);

    OFCondition cond = scu.initNetwork();
    if (cond.bad()) return failed("network", cond);
    if (peer.tls) {
      if (!settings_.tls) return {false, "tls: true, but dicom.tls is not configured"};
      std::string error;
      tls = tls_layer(*settings_.tls, error);
      if (!tls) return {false, error};
      cond = scu.useSecureConnection(tls.get());
      if (cond.bad()) return failed("TLS", cond);
    }
    cond = scu.negotiateAssociation();
    if (cond.bad()) return failed("association", cond);

    T_ASC_PresentationContextID context = scu.findPresentationContextID(
        UID_StorageCommitmentPushModelSOPClass, "", ASC_SC_ROLE_SCP);
    if (context == 0) {
      context = scu.findPresentationContextID(UID_StorageCommitmentPushModelSOPClass, "");
    }
    if (context == 0) {
      scu.releaseAssociation();
      return {false, "the peer accepted no Storage Commitment presentation context"};
    }
    DcmDataset information;
    fill_event_information(resolved, information);
    Uint16 status = 0xFFFF;
    cond = scu.sendEVENTREPORTRequest(context, UID_StorageCommitmentPushModelSOPInstance,
                                      domain::commitment_event_type(resolved.items), &information,
                                      status);
    if (cond.bad()) {
      scu.abortAssociation();
      return failed("N-EVENT-REPORT", cond);
    }
    scu.releaseAssociation();
    if (status != 0x0000) return {false, "N-EVENT-REPORT-RSP status " + std::to_string(status)};
    return {true, {}};
  } catch (const std::exception& e) {
    return {false, e.what()};
  } catch (...) {
    return {false, "unknown exception"};
  }
}

}  // namespace gw::dicom
