#pragma once
// The TCP transport under every accepted association, installed into DCMTK's network with
// ASC_setTransportLayer (DCMTK 3.6.7 creates plain connections through the layer too): Nagle
// off, TCP quick-ACK re-armed after every read, and an idle limit on every wait for the peer.
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dcmtrans.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace gw::dicom {

/// Outlives its connection: the worker reads it after DCMTK has deleted the connection.
struct ConnectionState {
  std::atomic<bool> idle_expired{false};  // a wait for the peer ended at the idle limit
};

/// One association's socket. Used by one thread at a time (the accept thread while the
/// A-ASSOCIATE-RQ is read, then its worker); owned and deleted by DCMTK's association.
class GatewayConnection : public DcmTCPConnection {
 public:
  GatewayConnection(DcmNativeSocketType socket, std::chrono::milliseconds idle);

  ssize_t read(void* buf, size_t nbyte) override;
  ssize_t write(void* buf, size_t nbyte) override;
  /// DCMTK's wait for data in non-blocking mode: ends early, as "no data", once the peer has
  /// been silent for the idle limit, so DCMTK aborts the association and frees its worker.
  OFBool networkDataAvailable(int timeout) override;

  std::shared_ptr<ConnectionState> state() const { return state_; }
  int socket_fd() { return static_cast<int>(getSocket()); }

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds idle_;  // 0: no idle limit
  Clock::time_point last_io_;       // last byte read or written
  std::shared_ptr<ConnectionState> state_ = std::make_shared<ConnectionState>();
};

/// Creates GatewayConnections. Owned by the listener; must outlive DCMTK's network.
class GatewayTransportLayer : public DcmTransportLayer {
 public:
  explicit GatewayTransportLayer(std::chrono::milliseconds idle) : idle_(idle) {}
  DcmTransportConnection* createConnection(DcmNativeSocketType socket,
                                           OFBool use_secure_layer) override;

 private:
  std::chrono::milliseconds idle_;
};

}  // namespace gw::dicom
