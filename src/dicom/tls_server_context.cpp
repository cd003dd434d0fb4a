#include "tls_server_context.hpp"

#include <dcmtk/dcmtls/tlslayer.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace gw::dicom {
namespace {

[[noreturn]] void fail(const std::string& key, const std::filesystem::path& file,
                       const std::string& why) {
  throw std::runtime_error("dicom.tls." + key + " " + file.string() + ": " + why);
}

void check(const OFCondition& status, const std::string& key, const std::filesystem::path& file) {
  if (status.bad()) fail(key, file, status.text());
}

/// DCMTK's messages for an absent file are OpenSSL's; say it plainly first.
void require_readable(const std::string& key, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) fail(key, file, "no such file");
}

}  // namespace

TlsServerContext::TlsServerContext(const TlsListenerSettings& settings)
    : layer_(std::make_unique<DcmTLSTransportLayer>(NET_ACCEPTOR, nullptr, OFTrue)) {
  if (!*layer_) throw std::runtime_error("dicom.tls: cannot create the TLS context");
  // The Non-Downgrading BCP 195 profile (PS3.15 B.9): TLS 1.2 or newer, and in TLS 1.2 only
  // the four (EC)DHE-RSA AES-GCM suites of RFC 7525, so an RSA certificate is what a TLS 1.2
  // peer can use (TLS 1.3 suites do not depend on the key type). The floor is set here too.
  if (layer_->setTLSProfile(TSP_Profile_BCP195_ND).bad() || layer_->activateCipherSuites().bad()) {
    throw std::runtime_error("dicom.tls: OpenSSL refuses the BCP 195 profile");
  }
  const int floor = settings.min_version == TlsVersion::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(layer_->getNativeHandle(), floor) != 1) {
    throw std::runtime_error("dicom.tls.min_version " + std::string(to_string(settings.min_version)) +
                             ": not supported by this OpenSSL");
  }

  require_readable("certificate", settings.certificate);
  require_readable("private_key", settings.private_key);
  check(layer_->setCertificateFile(settings.certificate.c_str(), DCF_Filetype_PEM), "certificate",
        settings.certificate);
  check(layer_->setPrivateKeyFile(settings.private_key.c_str(), DCF_Filetype_PEM), "private_key",
        settings.private_key);
  if (!layer_->checkPrivateKeyMatchesCertificate()) {
    fail("private_key", settings.private_key, "does not match the certificate");
  }
  if (!settings.ca_file.empty()) {
    require_readable("ca_file", settings.ca_file);
    check(layer_->addTrustedCertificateFile(settings.ca_file.c_str(), DCF_Filetype_PEM), "ca_file",
          settings.ca_file);
  }
  // require: no certificate, or one that does not chain to ca_file, fails the handshake.
  // check: a certificate, when sent, must chain to ca_file; none is accepted too.
  // ignore: without ca_file nothing could be checked (the config loader allows that only when
  // client certificates are not required).
  if (settings.require_client_certificate) {
    layer_->setCertificateVerification(DCV_requireCertificate);
  } else {
    layer_->setCertificateVerification(settings.ca_file.empty() ? DCV_ignoreCertificate
                                                                : DCV_checkCertificate);
  }
}

TlsServerContext::~TlsServerContext() = default;

SSL* TlsServerContext::new_session() const {
  SSL* ssl = SSL_new(layer_->getNativeHandle());
  if (ssl == nullptr) throw std::runtime_error("dicom.tls: cannot create a TLS session");
  return ssl;
}

}  // namespace gw::dicom
