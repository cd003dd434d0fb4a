#include "gateway_transport.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

namespace gw::dicom {
namespace {

void set_option(int fd, int option) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, option, &one, sizeof one);
}

}  // namespace

GatewaySocket::GatewaySocket(int fd, std::chrono::milliseconds idle, std::string prelude)
    : fd_(fd), idle_(idle), last_io_(Clock::now()), prelude_(std::move(prelude)) {
  // Our answers (A-ASSOCIATE-AC, C-STORE-RSP) are small and must leave at once.
  set_option(fd_, TCP_NODELAY);
}

ssize_t GatewaySocket::read_prelude(void* into, size_t length) {
  const std::size_t n = std::min(length, prelude_.size() - prelude_at_);
  std::memcpy(into, prelude_.data() + prelude_at_, n);
  prelude_at_ += n;
  if (!has_prelude()) std::string().swap(prelude_);  // up to dcmAssociatePDUSizeLimit: free it
  return static_cast<ssize_t>(n);
}

void GatewaySocket::after_read(ssize_t n) {
  if (n > 0) last_io_ = Clock::now();
  // Linux leaves quick-ACK mode on its own after a few segments; a Nagle-on sender then
  // waits for our delayed ACK (up to 40 ms) before each small PDU. Re-arm it every time.
  set_option(fd_, TCP_QUICKACK);
}

void GatewaySocket::after_write(ssize_t n) {
  if (n > 0) last_io_ = Clock::now();
}

bool GatewaySocket::wait_readable(int timeout) {
  using std::chrono::milliseconds;
  long long wait_ms = timeout < 0 ? -1 : static_cast<long long>(timeout) * 1000;
  // True when the idle limit, not DCMTK's own timeout, ends this wait: then a timed-out poll
  // is an idle abort, whatever rounding left between the two clocks.
  bool idle_bound = false;
  if (idle_.count() > 0) {
    const auto left = std::chrono::ceil<milliseconds>(idle_ - (Clock::now() - last_io_));
    if (left.count() <= 0) {
      state_->idle_expired = true;
      return false;
    }
    if (wait_ms < 0 || left.count() <= wait_ms) {
      wait_ms = left.count();
      idle_bound = true;
    }
  }
  pollfd pfd{fd_, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(wait_ms, INT_MAX)));
  } while (ready < 0 && errno == EINTR);
  if (ready > 0) return true;
  if (idle_bound) state_->idle_expired = true;
  return false;
}

OFBool GatewayConnection::networkDataAvailable(int timeout) {
  if (has_prelude()) return OFTrue;
  return wait_readable(timeout) ? OFTrue : OFFalse;
}

OFBool GatewayTlsConnection::networkDataAvailable(int timeout) {
  // Bytes OpenSSL has already decrypted never wake poll().
  if (has_prelude() || SSL_pending(session_) > 0) return OFTrue;
  return wait_readable(timeout) ? OFTrue : OFFalse;
}

GatewayTransportLayer::~GatewayTransportLayer() { SSL_free(handed_over_); }

void GatewayTransportLayer::hand_over(SSL* handshaken_session, std::string prelude) {
  SSL_free(std::exchange(handed_over_, handshaken_session));
  prelude_ = std::move(prelude);
}

DcmTransportConnection* GatewayTransportLayer::createConnection(DcmNativeSocketType socket,
                                                                OFBool use_secure_layer) {
  std::string prelude = std::exchange(prelude_, {});
  if (!use_secure_layer) return new GatewayConnection(socket, idle_, std::move(prelude));
  SSL* session = std::exchange(handed_over_, nullptr);
  if (session == nullptr) return nullptr;  // DCMTK closes the socket and refuses
  return new GatewayTlsConnection(socket, session, idle_, std::move(prelude));
}

}  // namespace gw::dicom
