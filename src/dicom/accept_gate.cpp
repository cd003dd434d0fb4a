#include "accept_gate.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include "association_refusal.hpp"
#include "gateway/log/log.hpp"
#include "raw_socket.hpp"
#include "tls_server_context.hpp"

namespace gw::dicom {
namespace {

// Connections that have not yet sent their A-ASSOCIATE-RQ, at most; beyond it the oldest is
// dropped, so a flood of silent connections cannot keep a real sender out.
constexpr std::size_t kMaxPendingConnections = 512;
// Request bytes held for all pending connections together, at most (the oldest go first): a
// real A-ASSOCIATE-RQ is a few KiB, so only a flood of large, slow ones ever meets it.
constexpr std::size_t kMaxBufferedBytes = 64u << 20;
// Listening sockets at the head of the poll set: plain, then TLS (-1 without).
constexpr std::size_t kListenSockets = 2;

}  // namespace

AcceptGate::AcceptGate(int listen_fd, int tls_listen_fd, TlsServerContext* tls,
                       std::chrono::milliseconds acse_timeout, std::size_t max_request_bytes,
                       metrics::GatewayMetrics& metrics)
    : listen_fd_(listen_fd),
      tls_listen_fd_(tls_listen_fd),
      tls_(tls),
      acse_timeout_(acse_timeout),
      max_request_bytes_(max_request_bytes),
      metrics_(metrics) {}

void AcceptGate::poll_once(std::chrono::milliseconds slice, const Ready& ready) {
  std::vector<pollfd> fds{pollfd{listen_fd_, POLLIN, 0}, pollfd{tls_listen_fd_, POLLIN, 0}};
  const auto now = Clock::now();
  long long wait_ms = slice.count();
  for (const PendingConnection& c : pending_) {
    fds.push_back(pollfd{c.fd(), c.events(), 0});
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline() - now).count();
    wait_ms = std::clamp<long long>(left + 1, 0, wait_ms);
  }
  if (::poll(fds.data(), fds.size(), static_cast<int>(wait_ms)) < 0 && errno != EINTR) {
    log::error("dicom_poll_failed").kv("reason", std::strerror(errno));
    std::this_thread::sleep_for(slice);
    return;
  }
  // Pending connections first (fds[kListenSockets + i] is pending_[i]); then new ones.
  advance_pending(fds, ready);
  if (fds[0].revents & POLLIN) accept_new(listen_fd_);
  if (fds[1].revents & POLLIN) accept_new(tls_listen_fd_);
  bound_memory();
}

void AcceptGate::advance_pending(const std::vector<pollfd>& fds, const Ready& ready) {
  const auto now = Clock::now();
  std::vector<PendingConnection> still_pending;
  still_pending.reserve(pending_.size());
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    PendingConnection& c = pending_[i];
    const RequestState state = c.advance(fds[kListenSockets + i].revents);
    if (state == RequestState::ready) {
      ready(c);
    } else if (state == RequestState::closed && !c.handshake_failure().empty()) {
      // No client certificate, an untrusted one, TLS below the floor, plain DICOM on the
      // TLS port: logged and counted here, once.
      log::warning("association_rejected")
          .kv("calling_ae", "")
          .kv("peer", c.peer())
          .kv("reason", "tls_handshake_failed")
          .kv("detail", c.handshake_failure());
      metrics_.association_rejected("tls_handshake_failed");
    } else if (state == RequestState::closed) {
      log::debug("connection_closed_before_request").kv("peer", c.peer());
    } else if (now >= c.deadline()) {
      drop(c, "acse_timeout");
    } else {
      still_pending.push_back(std::move(c));
    }
  }
  pending_ = std::move(still_pending);  // closes every connection not kept
}

void AcceptGate::accept_new(int listen_fd) {
  for (;;) {
    std::string peer;
    const int fd = accept_connection(listen_fd, peer);
    if (fd < 0) return;
    if (pending_.size() >= kMaxPendingConnections) {
      drop(pending_.front(), "pending_limit");
      pending_.erase(pending_.begin());
    }
    SSL* session = nullptr;
    if (listen_fd == tls_listen_fd_) {
      try {
        session = tls_->new_session();
      } catch (const std::exception& e) {
        log::error("tls_session_failed").kv("peer", peer).kv("reason", e.what());
        ::close(fd);
        continue;
      }
    }
    pending_.emplace_back(fd, std::move(peer), Clock::now() + acse_timeout_, session,
                          max_request_bytes_);
  }
}

void AcceptGate::drop(const PendingConnection& connection, std::string_view reason) {
  log_rejection("association_rejected", "", connection.peer(), reason);
  metrics_.association_rejected(reason);
}

void AcceptGate::bound_memory() {
  std::size_t total = 0;
  for (const PendingConnection& c : pending_) total += c.buffered();
  while (total > kMaxBufferedBytes && !pending_.empty()) {
    total -= pending_.front().buffered();
    drop(pending_.front(), "pending_limit");
    pending_.erase(pending_.begin());
  }
}

}  // namespace gw::dicom
