#pragma once
// The listener's raw socket steps before DCMTK sees a connection: listen and accept.
// No DCMTK here.
#include <cstdint>
#include <string>

namespace gw::dicom {

/// A non-blocking listening TCP socket on `address:port`, IPv4 or IPv6. Throws on failure.
int open_listen_socket(const std::string& address, std::uint16_t port);

/// The port a socket is bound to.
std::uint16_t bound_port(int fd);

/// Accepts one pending connection: a blocking socket (DCMTK reads it so) with TCP_NODELAY,
/// or -1 when none is pending. `peer` receives the numeric address ("::ffff:" stripped).
int accept_connection(int listen_fd, std::string& peer);

}  // namespace gw::dicom
