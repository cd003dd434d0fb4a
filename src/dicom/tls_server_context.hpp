#pragma once
// DICOM TLS for the listener's second port: the server's certificate, the CA its callers'
// certificates must chain to, and the BCP 195 profile of PS3.15 (TLS 1.2 minimum), set up
// through DCMTK's dcmtls so the cipher suites are the ones DCMTK's own tools negotiate.
#include <openssl/ssl.h>

#include <memory>

#include "gateway/dicom/dicom_listener.hpp"

class DcmTLSTransportLayer;

namespace gw::dicom {

class TlsServerContext {
 public:
  /// Loads and checks everything now. Throws std::runtime_error naming the dicom.tls key and
  /// the file at fault: missing, unreadable, not PEM, or a key that does not match.
  explicit TlsServerContext(const TlsListenerSettings& settings);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  /// A new server-side session, its handshake not yet begun. The caller owns it.
  SSL* new_session() const;

 private:
  std::unique_ptr<DcmTLSTransportLayer> layer_;  // owns the SSL_CTX
};

}  // namespace gw::dicom
