#pragma once
// A throwaway certificate so the simulator serves real TLS without files on disk: the
// gateway then verifies it exactly as it verifies production, only against another anchor.
#include <string>
#include <vector>

namespace gw::sim {

/// A PEM certificate and its private key. Value type.
struct CertificatePair {
  std::string certificate_pem;
  std::string private_key_pem;
};

/// Makes an EC P-256 X.509 v3 certificate whose subjectAltName lists `names` (each an IP
/// address or a DNS name), CA:TRUE so a client can trust it as its own anchor, valid from an
/// hour ago for a year. Throws std::runtime_error on an OpenSSL failure. Thread-safe.
CertificatePair make_self_signed_certificate(const std::vector<std::string>& names);

}  // namespace gw::sim
