#pragma once
// Sends a Storage Commitment report (N-EVENT-REPORT-RQ) on an association the gateway opens to
// the requester, as the Storage Commitment SCP in the SCP role (PS3.4 J.3.3, role selection).
#include <chrono>
#include <optional>
#include <string>

#include "gateway/dicom/listener_options.hpp"
#include "gateway/domain/storage_commitment.hpp"

namespace gw::dicom {

/// How a delivery ended: an error as a value, never an exception.
struct ReportDelivery {
  bool delivered = false;  // the requester answered the N-EVENT-REPORT with Success
  std::string error;       // why not: connection, negotiation, DIMSE status
};

/// Delivers one resolved commitment to `peer`. Implementations block the calling thread for at
/// most their timeouts and never throw.
class CommitmentReportSender {
 public:
  virtual ~CommitmentReportSender() = default;
  virtual ReportDelivery send(const domain::DicomPeer& peer,
                              const domain::CommitmentRequest& resolved) noexcept = 0;
};

/// The gateway's certificate for a peer with `tls: true` (dicom.tls's files); the peer's
/// certificate must chain to `ca_file`.
struct ReportTlsSettings {
  std::string certificate;
  std::string private_key;
  std::string ca_file;
};

/// Value type. Our calling AE title and the association timeouts are the listener's: their
/// defaults live in ListenerOptions alone.
struct ReportSenderSettings {
  ReportSenderSettings() : ReportSenderSettings(ListenerOptions{}) {}
  explicit ReportSenderSettings(const ListenerOptions& dicom)
      : ae_title(dicom.ae_title),
        acse_timeout(dicom.acse_timeout),
        dimse_timeout(dicom.dimse_timeout) {}

  std::string ae_title;  // our calling AE title
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds acse_timeout;
  std::chrono::milliseconds dimse_timeout;
  std::optional<ReportTlsSettings> tls;  // for peers with tls: true
};

/// The DCMTK sender (DcmSCU): one association per report, the Storage Commitment context
/// proposed with the SCP role first and the default role as a fallback. Thread-safe: every
/// call builds its own association.
class DcmtkReportSender final : public CommitmentReportSender {
 public:
  explicit DcmtkReportSender(ReportSenderSettings settings) : settings_(std::move(settings)) {}
  ReportDelivery send(const domain::DicomPeer& peer,
                      const domain::CommitmentRequest& resolved) noexcept override;

 private:
  ReportSenderSettings settings_;
};

}  // namespace gw::dicom
