#pragma once
// The receiver's configurable values (dicom.* and dicom.tls.*), with their only defaults.
// Plain values and no DCMTK: config::DicomSettings holds them, the listener's settings add the
// daemon's wiring to them.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gw::dicom {

/// dicom.tls.min_version: BCP 195 allows nothing older than TLS 1.2.
enum class TlsVersion { v1_2, v1_3 };

/// "1.2" or "1.3", as the configuration spells it.
constexpr std::string_view to_string(TlsVersion version) noexcept {
  return version == TlsVersion::v1_3 ? "1.3" : "1.2";
}

/// A second port speaking DICOM over TLS (PS3.15 B.9, BCP 195), served by the same workers
/// and under the same caller rules and limits as the plain port. Value type.
struct TlsListenerSettings {
  std::uint16_t port = 2762;  // the port IANA registered for DICOM over TLS; 0: any free port
  std::string certificate;    // PEM: the gateway's certificate (chain)
  std::string private_key;    // PEM, unencrypted, not readable by others
  std::string ca_file;        // PEM: the CA(s) callers' certificates must chain to
  bool require_client_certificate = true;
  TlsVersion min_version = TlsVersion::v1_2;

  bool operator==(const TlsListenerSettings&) const = default;
};

/// The plain port and its associations. Value type.
struct ListenerOptions {
  std::string ae_title = "AVARA_GW";
  std::string bind_address = "0.0.0.0";  // dicom.bind
  std::uint16_t port = 11112;  // 0: any free port (tests); the chosen port is logged
  unsigned max_associations = 16;
  std::uint32_t max_pdu = 131072;  // 4096..1048576; DCMTK 3.6.7 receives at most 128 KiB
  std::chrono::milliseconds acse_timeout{30'000};   // dicom.timeouts.acse
  std::chrono::milliseconds dimse_timeout{60'000};  // dicom.timeouts.dimse
  std::chrono::milliseconds idle_timeout{60'000};   // a silent association is aborted; 0: never

  bool operator==(const ListenerOptions&) const = default;
};

}  // namespace gw::dicom
