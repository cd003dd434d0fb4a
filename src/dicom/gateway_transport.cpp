#include "gateway_transport.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace gw::dicom {
namespace {

void set_option(int fd, int option) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, option, &one, sizeof one);
}

}  // namespace

GatewayConnection::GatewayConnection(DcmNativeSocketType socket, std::chrono::milliseconds idle)
    : DcmTCPConnection(socket), idle_(idle), last_io_(Clock::now()) {
  // Our answers (A-ASSOCIATE-AC, C-STORE-RSP) are small and must leave at once.
  set_option(static_cast<int>(socket), TCP_NODELAY);
}

ssize_t GatewayConnection::read(void* buf, size_t nbyte) {
  const ssize_t n = DcmTCPConnection::read(buf, nbyte);
  if (n > 0) last_io_ = Clock::now();
  // Linux leaves quick-ACK mode on its own after a few segments; a Nagle-on sender then
  // waits for our delayed ACK (up to 40 ms) before each small PDU. Re-arm it every time.
  set_option(socket_fd(), TCP_QUICKACK);
  return n;
}

ssize_t GatewayConnection::write(void* buf, size_t nbyte) {
  const ssize_t n = DcmTCPConnection::write(buf, nbyte);
  if (n > 0) last_io_ = Clock::now();
  return n;
}

OFBool GatewayConnection::networkDataAvailable(int timeout) {
  using std::chrono::milliseconds;
  long long wait_ms = timeout < 0 ? -1 : static_cast<long long>(timeout) * 1000;
  // True when the idle limit, not DCMTK's own timeout, ends this wait: then a timed-out poll
  // is an idle abort, whatever rounding left between the two clocks.
  bool idle_bound = false;
  if (idle_.count() > 0) {
    const auto left = std::chrono::ceil<milliseconds>(idle_ - (Clock::now() - last_io_));
    if (left.count() <= 0) {
      state_->idle_expired = true;
      return OFFalse;
    }
    if (wait_ms < 0 || left.count() <= wait_ms) {
      wait_ms = left.count();
      idle_bound = true;
    }
  }
  pollfd pfd{socket_fd(), POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(wait_ms, INT_MAX)));
  } while (ready < 0 && errno == EINTR);
  if (ready > 0) return OFTrue;
  if (idle_bound) state_->idle_expired = true;
  return OFFalse;
}

DcmTransportConnection* GatewayTransportLayer::createConnection(DcmNativeSocketType socket,
                                                                OFBool use_secure_layer) {
  if (use_secure_layer) return nullptr;  // no TLS on this listener
  return new GatewayConnection(socket, idle_);
}

}  // namespace gw::dicom
