#pragma once
// A DCMTK C-STORE SCU for tests: one association, the given files, each status recorded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::test {

struct SendResult {
  bool associated = false;          // the association was accepted
  std::string error;                // why not, or why a send broke off
  std::vector<std::uint16_t> statuses;  // one DIMSE status per file that got a response
};

/// DICOM over TLS from the sender's side (BCP 195 profile, like DCMTK's own tools).
struct TlsOptions {
  std::string certificate;  // PEM; empty: the sender shows no certificate
  std::string private_key;  // PEM
  std::string ca_file;      // PEM: the CA the gateway's certificate must chain to
  std::string max_version;  // "1.2": offer nothing newer; empty: OpenSSL's newest
};

struct SendOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string called_ae = "AVARA_GW";
  std::string calling_ae = "TEST_SCU";
  std::optional<TlsOptions> tls;  // absent: plain TCP
};

/// Opens one association and sends every file on it. Used by one test thread at a time
/// per call; calls may run concurrently from several threads.
SendResult send_files(const SendOptions& options, const std::vector<std::string>& files);

/// C-ECHO on a new association; true when it answered Success.
bool echo(const SendOptions& options);

}  // namespace gw::test
