#pragma once
// One accepted connection on the accept thread, from accept(2) until its A-ASSOCIATE-RQ is in
// memory whole: the TLS handshake (TLS port) and every byte of the request PDU, each read
// without blocking when poll() says the socket is ready. DCMTK then reads the request from
// memory (GatewaySocket's prelude), so no peer can make the accept thread wait (#17).
// No DCMTK here.
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace gw::dicom {

enum class RequestState { waiting, ready, closed };

/// Owns its socket and TLS session until they are released to DCMTK. Move-only; used by the
/// accept thread only.
class PendingConnection {
 public:
  using Clock = std::chrono::steady_clock;

  /// `fd`: an accepted socket, owned from now on. `tls`: its server session (owned; the socket
  /// is made non-blocking), or null on the plain port. A request announced longer than
  /// `max_request_bytes` is never read (DCMTK would refuse it as too large).
  PendingConnection(int fd, std::string peer, Clock::time_point deadline, SSL* tls,
                    std::size_t max_request_bytes);
  ~PendingConnection();  // closes what was not released
  PendingConnection(PendingConnection&& other) noexcept;
  PendingConnection& operator=(PendingConnection&& other) noexcept;
  PendingConnection(const PendingConnection&) = delete;
  PendingConnection& operator=(const PendingConnection&) = delete;

  /// One step after poll() reported `revents` for fd(): the handshake, then whatever part of
  /// the request has arrived. `ready` once the whole PDU is buffered (for a PDU other than
  /// an A-ASSOCIATE-RQ, its 6-byte header: DCMTK refuses it from that); `closed` when the
  /// peer went away, broke the protocol or failed the handshake (handshake_failure() says why).
  RequestState advance(short revents);
  /// What poll() should wait for on fd().
  short events() const { return events_; }

  int fd() const { return fd_; }
  bool secure() const { return tls_ != nullptr; }
  const std::string& peer() const { return peer_; }
  Clock::time_point deadline() const { return deadline_; }
  /// Bytes of the request held in memory so far.
  std::size_t buffered() const { return request_.size(); }
  /// Why the TLS handshake failed, in OpenSSL's words; empty unless it did.
  const std::string& handshake_failure() const { return handshake_failure_; }

  /// The hand-over to DCMTK, once ready: the request bytes, the TLS session, the socket.
  std::string take_request() { return std::move(request_); }
  SSL* release_session();
  int release_fd();

 private:
  RequestState handshake();
  RequestState read_request();
  /// Bytes the request still lacks: the header first, then the body it announced.
  std::size_t missing() const;
  /// recv(2) or SSL_read without blocking: > 0 bytes read; 0 the peer closed or failed;
  /// -1 nothing yet (events_ says what to wait for).
  long read_some(char* into, std::size_t length);

  int fd_ = -1;
  std::string peer_;
  Clock::time_point deadline_;
  SSL* tls_ = nullptr;  // owned until released
  std::size_t max_request_bytes_ = 0;
  bool handshaken_ = false;
  bool too_large_ = false;  // announced beyond max_request_bytes_: left unread until the deadline
  short events_ = 0;
  std::string request_;
  std::string handshake_failure_;
};

}  // namespace gw::dicom
