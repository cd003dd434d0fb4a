#pragma once
// The transport under every accepted association, installed into DCMTK's network with
// ASC_setTransportLayer (DCMTK 3.6.7 creates plain connections through the layer too): Nagle
// off, TCP quick-ACK re-armed after every read, and an idle limit on every wait for the peer.
// TLS connections get the same, over a session whose handshake the accept thread has done.
// Both start with the A-ASSOCIATE-RQ the accept thread has already read (the prelude): DCMTK
// reads it from memory, so its blocking read never waits on the peer there (#17).
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmtls/tlstrans.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

namespace gw::dicom {

/// Outlives its connection: the worker reads it after DCMTK has deleted the connection.
struct ConnectionState {
  std::atomic<bool> idle_expired{false};  // a wait for the peer ended at the idle limit
};

/// What the listener needs of an association's connection, plain or TLS, and the socket
/// habits both share. Used by one thread at a time (the accept thread while the
/// A-ASSOCIATE-RQ is read, then its worker).
class GatewaySocket {
 public:
  virtual ~GatewaySocket() = default;
  std::shared_ptr<ConnectionState> state() const { return state_; }
  virtual int socket_fd() = 0;

 protected:
  GatewaySocket(int fd, std::chrono::milliseconds idle, std::string prelude);
  /// True while bytes read before DCMTK took the socket remain to be read.
  bool has_prelude() const { return prelude_at_ < prelude_.size(); }
  /// Copies up to `length` of those bytes into `into`; how many.
  ssize_t read_prelude(void* into, size_t length);
  /// After every read: re-arms quick-ACK and, when bytes came, restarts the idle clock.
  void after_read(ssize_t n);
  void after_write(ssize_t n);
  /// DCMTK's wait for data in non-blocking mode (`timeout` in seconds, < 0: none): ends early,
  /// as "no data", once the peer has been silent for the idle limit, so DCMTK aborts the
  /// association and frees its worker.
  bool wait_readable(int timeout);

 private:
  using Clock = std::chrono::steady_clock;
  int fd_;
  std::chrono::milliseconds idle_;  // 0: no idle limit
  Clock::time_point last_io_;       // last byte read or written
  std::string prelude_;             // the request PDU, read by the accept thread
  std::size_t prelude_at_ = 0;      // how much of it DCMTK has read
  std::shared_ptr<ConnectionState> state_ = std::make_shared<ConnectionState>();
};

/// DCMTK's connection `Transport` (plain or TLS) with the GatewaySocket habits on every
/// read and write. Owned and deleted by DCMTK's association.
template <class Transport>
class WatchedConnection : public Transport, public GatewaySocket {
 public:
  template <class... Extra>
  WatchedConnection(DcmNativeSocketType socket, std::chrono::milliseconds idle,
                    std::string prelude, Extra... extra)
      : Transport(socket, extra...),
        GatewaySocket(static_cast<int>(socket), idle, std::move(prelude)) {}

  ssize_t read(void* buf, size_t nbyte) override {
    if (has_prelude()) return read_prelude(buf, nbyte);
    const ssize_t n = Transport::read(buf, nbyte);
    after_read(n);
    return n;
  }
  ssize_t write(void* buf, size_t nbyte) override {
    const ssize_t n = Transport::write(buf, nbyte);
    after_write(n);
    return n;
  }
  int socket_fd() override { return static_cast<int>(this->getSocket()); }
};

/// A plain association's socket.
class GatewayConnection : public WatchedConnection<DcmTCPConnection> {
 public:
  using WatchedConnection::WatchedConnection;
  OFBool networkDataAvailable(int timeout) override;
};

/// A TLS association's socket and session (DcmTLSConnection frees the session).
class GatewayTlsConnection : public WatchedConnection<DcmTLSConnection> {
 public:
  /// `session`: its handshake completed, on `socket`.
  GatewayTlsConnection(DcmNativeSocketType socket, SSL* session, std::chrono::milliseconds idle,
                       std::string prelude)
      : WatchedConnection(socket, idle, std::move(prelude), session), session_(session) {}

  /// DCMTK would run a blocking SSL_accept here, without a timeout; the accept thread has
  /// done the handshake without blocking already.
  OFCondition serverSideHandshake() override { return EC_Normal; }
  OFBool networkDataAvailable(int timeout) override;

 private:
  SSL* session_;  // owned by DcmTLSConnection
};

/// Creates the connections. Owned by the listener; must outlive DCMTK's network.
class GatewayTransportLayer : public DcmTransportLayer {
 public:
  explicit GatewayTransportLayer(std::chrono::milliseconds idle) : idle_(idle) {}
  ~GatewayTransportLayer() override;

  /// The accept thread, before ASC_receiveAssociation: the request it has read (`prelude`)
  /// and, on the TLS port, the session DCMTK's next connection wraps; both pass to that
  /// connection. hand_over(nullptr, {}) afterwards frees what DCMTK never took.
  void hand_over(SSL* handshaken_session, std::string prelude);
  DcmTransportConnection* createConnection(DcmNativeSocketType socket,
                                           OFBool use_secure_layer) override;

 private:
  std::chrono::milliseconds idle_;
  SSL* handed_over_ = nullptr;
  std::string prelude_;
};

}  // namespace gw::dicom
