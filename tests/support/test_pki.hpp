#pragma once
// A throwaway certificate authority for the DICOM TLS tests, made with the openssl command:
// a CA, the gateway's certificate and a trusted sender's, both signed by it, and a stranger's
// self-signed certificate. RSA 2048 keys (what BCP 195's TLS 1.2 suites need), valid two days.
#include <filesystem>

namespace gw::test {

struct TestPki {
  std::filesystem::path ca_certificate;
  std::filesystem::path server_certificate, server_key;      // CN and SAN 127.0.0.1
  std::filesystem::path client_certificate, client_key;      // signed by the CA
  std::filesystem::path stranger_certificate, stranger_key;  // self-signed
};

/// Writes everything into `dir` (keys 0600). Throws std::runtime_error when openssl fails.
TestPki make_test_pki(const std::filesystem::path& dir);

}  // namespace gw::test
