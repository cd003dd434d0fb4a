#include "pending_connection.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "gateway/log/log.hpp"
#include "tls_accept.hpp"

namespace gw::dicom {
namespace {

constexpr std::size_t kHeader = 6;  // PDU type, reserved, 32-bit big-endian length
constexpr unsigned char kAssociateRq = 0x01;
constexpr unsigned char kLastPduType = 0x07;  // A-ABORT; 0x01..0x07 are the PDUs of PS3.8 9.3
// Memory grows with what arrives, not with what the header announces.
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr short kReadable = POLLIN | POLLRDHUP;

void set_blocking(int fd, bool blocking) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

}  // namespace

PendingConnection::PendingConnection(int fd, std::string peer, Clock::time_point deadline,
                                     SSL* tls, std::size_t max_request_bytes)
    : fd_(fd),
      peer_(std::move(peer)),
      deadline_(deadline),
      tls_(tls),
      max_request_bytes_(max_request_bytes),
      events_(kReadable) {
  if (tls_ != nullptr) {
    SSL_set_fd(tls_, fd_);  // a socket BIO that does not close fd_
    set_blocking(fd_, false);
  }
}

PendingConnection::~PendingConnection() {
  SSL_free(tls_);
  if (fd_ >= 0) ::close(fd_);
}

PendingConnection::PendingConnection(PendingConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      peer_(std::move(other.peer_)),
      deadline_(other.deadline_),
      tls_(std::exchange(other.tls_, nullptr)),
      max_request_bytes_(other.max_request_bytes_),
      handshaken_(other.handshaken_),
      too_large_(other.too_large_),
      events_(other.events_),
      request_(std::move(other.request_)),
      handshake_failure_(std::move(other.handshake_failure_)) {}

PendingConnection& PendingConnection::operator=(PendingConnection&& other) noexcept {
  if (this != &other) {
    SSL_free(std::exchange(tls_, std::exchange(other.tls_, nullptr)));
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    peer_ = std::move(other.peer_);
    deadline_ = other.deadline_;
    max_request_bytes_ = other.max_request_bytes_;
    handshaken_ = other.handshaken_;
    too_large_ = other.too_large_;
    events_ = other.events_;
    request_ = std::move(other.request_);
    handshake_failure_ = std::move(other.handshake_failure_);
  }
  return *this;
}

SSL* PendingConnection::release_session() { return std::exchange(tls_, nullptr); }

int PendingConnection::release_fd() {
  if (fd_ >= 0) set_blocking(fd_, true);  // as DCMTK reads every socket
  return std::exchange(fd_, -1);
}

RequestState PendingConnection::advance(short revents) {
  if (revents == 0) return RequestState::waiting;
  RequestState state = RequestState::waiting;
  if (!too_large_) state = (tls_ == nullptr || handshaken_) ? read_request() : handshake();
  // A peer that stopped sending before its request was whole can never complete it; kept,
  // its end-of-stream would wake poll() at once on every pass (a busy loop on the accept
  // thread) until the ACSE deadline.
  if (state == RequestState::waiting && (revents & (POLLRDHUP | POLLHUP | POLLERR))) {
    state = RequestState::closed;
  }
  return state;
}

RequestState PendingConnection::handshake() {
  const TlsStep step = continue_handshake(tls_);
  switch (step.progress) {
    case TlsProgress::want_read:
      events_ = kReadable;
      return RequestState::waiting;
    case TlsProgress::want_write:
      events_ = POLLOUT | POLLRDHUP;
      return RequestState::waiting;
    case TlsProgress::failed:
      handshake_failure_ = step.failure;
      return RequestState::closed;
    case TlsProgress::done:
      break;
  }
  handshaken_ = true;
  events_ = kReadable;
  log::debug("tls_established").kv("peer", peer_).kv("session", describe_session(tls_));
  return read_request();  // the request may have come with the handshake's last flight
}

std::size_t PendingConnection::missing() const {
  if (request_.size() < kHeader) return kHeader - request_.size();
  const auto type = static_cast<unsigned char>(request_[0]);
  // Not a PDU at all: DCMTK refuses it from its header.
  if (type == 0 || type > kLastPduType) return 0;
  std::size_t length = 0;
  for (std::size_t i = 2; i < kHeader; ++i) {
    length = (length << 8) | static_cast<unsigned char>(request_[i]);
  }
  return kHeader + length - request_.size();
}

RequestState PendingConnection::read_request() {
  for (;;) {
    const std::size_t want = missing();
    if (want == 0) return RequestState::ready;
    if (request_.size() >= kHeader && request_.size() + want > kHeader + max_request_bytes_) {
      // DCMTK would refuse it as too large: never read, its bytes stay in the kernel's buffer
      // (flow control holds its sender back) and it ends at its ACSE deadline like any
      // request that never arrives whole.
      too_large_ = true;
      events_ = POLLRDHUP;
      return RequestState::waiting;
    }
    const std::size_t had = request_.size();
    const std::size_t chunk = std::min(want, kReadChunk);
    request_.resize(had + chunk);
    const long n = read_some(request_.data() + had, chunk);
    request_.resize(had + static_cast<std::size_t>(std::max(n, 0L)));
    if (n == 0) return RequestState::closed;
    if (n < 0) return RequestState::waiting;
  }
}

long PendingConnection::read_some(char* into, std::size_t length) {
  if (tls_ == nullptr) {
    for (;;) {
      const ssize_t n = ::recv(fd_, into, length, MSG_DONTWAIT);
      if (n >= 0) return static_cast<long>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return 0;
      events_ = kReadable;
      return -1;
    }
  }
  ERR_clear_error();
  const int n = SSL_read(tls_, into, static_cast<int>(length));
  if (n > 0) return n;
  const int error = SSL_get_error(tls_, n);
  ERR_clear_error();
  if (error == SSL_ERROR_WANT_READ) {
    events_ = kReadable;
    return -1;
  }
  if (error == SSL_ERROR_WANT_WRITE) {
    events_ = POLLOUT | POLLRDHUP;
    return -1;
  }
  return 0;
}

}  // namespace gw::dicom
