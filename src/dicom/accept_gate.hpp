#pragma once
// The accept thread's poll set: the listening sockets (plain and TLS) and every connection
// whose A-ASSOCIATE-RQ is not in memory yet, each under its own ACSE deadline.
//
// Why pre-read here rather than hand sockets to workers: DCMTK takes an accepted socket only
// through a process-wide setting (dcmExternalSocketHandle), so ASC_receiveAssociation must run
// on one thread at a time, and its reads block. Reading the whole request PDU (and the TLS
// handshake before it) without blocking, on this one thread, leaves DCMTK nothing to wait for:
// it parses the request from memory (GatewaySocket's prelude). No new thread, and a slow or
// silent peer costs a poll entry and what it sent, never the accept thread's time (#17).
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "gateway/metrics/gateway_metrics.hpp"
#include "pending_connection.hpp"

namespace gw::dicom {

class TlsServerContext;

/// Used by the accept thread only. Borrows the listening sockets, the TLS context and the metrics, which
/// must outlive it; owns the pending connections (closed on destruction).
class AcceptGate {
 public:
  /// Called for each connection whose request is whole; takes what it needs from it (what it
  /// leaves is closed afterwards).
  using Ready = std::function<void(PendingConnection&)>;

  /// `tls_listen_fd` -1 (and `tls` null) without a TLS port. A request announced longer than
  /// `max_request_bytes` is never read.
  AcceptGate(int listen_fd, int tls_listen_fd, TlsServerContext* tls,
             std::chrono::milliseconds acse_timeout, std::size_t max_request_bytes,
             metrics::GatewayMetrics& metrics);

  /// Waits at most `slice` (less when a deadline is nearer) for any socket, then advances
  /// the pending connections, drops those past their deadline, and accepts new ones.
  void poll_once(std::chrono::milliseconds slice, const Ready& ready);

 private:
  using Clock = PendingConnection::Clock;
  void advance_pending(const std::vector<pollfd>& fds, const Ready& ready);
  void accept_new(int listen_fd);
  /// Logs and counts an association refused before its request was whole.
  void drop(const PendingConnection& connection, std::string_view reason);
  /// Drops the oldest connections while the requests in memory exceed their budget.
  void bound_memory();

  int listen_fd_;
  int tls_listen_fd_;
  TlsServerContext* tls_;
  std::chrono::milliseconds acse_timeout_;
  std::size_t max_request_bytes_;
  metrics::GatewayMetrics& metrics_;
  std::vector<PendingConnection> pending_;  // oldest first
};

}  // namespace gw::dicom
