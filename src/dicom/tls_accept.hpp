#pragma once
// The server side of a TLS handshake, one non-blocking step at a time, so that the accept
// thread can carry many handshakes at once and drop a stalled one at its ACSE deadline.
// DCMTK's own serverSideHandshake() blocks without a timeout.
#include <openssl/ssl.h>

#include <string>

namespace gw::dicom {

enum class TlsProgress { want_read, want_write, done, failed };

struct TlsStep {
  TlsProgress progress;
  std::string failure;  // failed: why, in OpenSSL's words ("peer did not return a certificate")
};

/// Advances the handshake of `session`, whose socket is non-blocking.
TlsStep continue_handshake(SSL* session);

/// "TLSv1.3 TLS_AES_256_GCM_SHA384": for the debug log.
std::string describe_session(SSL* session);

}  // namespace gw::dicom
