#pragma once
// The listener's raw socket steps before DCMTK sees a connection: listen, accept, and decide
// whether a new connection's A-ASSOCIATE-RQ has arrived whole. No DCMTK here.
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

enum class RequestState { waiting, ready, closed };

/// Peeks (never reads) at a new connection: `ready` once a whole PDU is buffered (or 64 KiB,
/// or it is not an A-ASSOCIATE-RQ: DCMTK will refuse it), so that DCMTK's read of it cannot
/// block; `closed` when the peer went away first.
RequestState request_state(int fd);

}  // namespace gw::dicom
