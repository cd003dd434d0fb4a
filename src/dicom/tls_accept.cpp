#include "tls_accept.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

namespace gw::dicom {
namespace {

/// The first queued OpenSSL error, or the certificate check's verdict when that failed; the
/// thread's error queue is left empty for the next session.
std::string failure_reason(SSL* session, int error) {
  std::string reason;
  const long verify = SSL_get_verify_result(session);
  if (verify != X509_V_OK) {
    reason = std::string("certificate: ") + X509_verify_cert_error_string(verify);
  } else if (const unsigned long code = ERR_peek_error(); code != 0) {
    const char* text = ERR_reason_error_string(code);
    reason = text != nullptr ? text : "OpenSSL error " + std::to_string(code);
  } else if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) {
    reason = "connection closed during the handshake";
  } else {
    reason = "handshake failed";
  }
  ERR_clear_error();
  return reason;
}

}  // namespace

TlsStep continue_handshake(SSL* session) {
  ERR_clear_error();
  const int result = SSL_accept(session);
  if (result == 1) return {TlsProgress::done, {}};
  const int error = SSL_get_error(session, result);
  if (error == SSL_ERROR_WANT_READ) return {TlsProgress::want_read, {}};
  if (error == SSL_ERROR_WANT_WRITE) return {TlsProgress::want_write, {}};
  return {TlsProgress::failed, failure_reason(session, error)};
}

std::string describe_session(SSL* session) {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(session);
  return std::string(SSL_get_version(session)) + " " +
         (cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "?");
}

}  // namespace gw::dicom
