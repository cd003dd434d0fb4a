#pragma once
// A raw TCP peer on loopback, for what DCMTK's SCU cannot send: garbage, lying PDU lengths,
// cut-off requests, requests in slow pieces. Header-only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace gw::test {

/// A connected loopback socket, closed on destruction.
class RawPeer {
 public:
  using Bytes = std::vector<std::uint8_t>;
  using Clock = std::chrono::steady_clock;
  using milliseconds = std::chrono::milliseconds;

  explicit RawPeer(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawPeer() { close(); }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  /// Half-close: we send no more, but still see whether (and when) the gateway closes.
  void finish_sending() { ::shutdown(fd_, SHUT_WR); }

  bool send(const Bytes& bytes) {
    for (std::size_t at = 0; at < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return false;
      at += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads exactly `n` bytes, or nullopt on close, error or `deadline`.
  std::optional<Bytes> read(std::size_t n, Clock::time_point deadline) {
    Bytes out(n);
    for (std::size_t at = 0; at < n;) {
      if (!wait_readable(deadline)) return std::nullopt;
      const ssize_t got = ::recv(fd_, out.data() + at, n - at, 0);
      if (got <= 0) return std::nullopt;
      at += static_cast<std::size_t>(got);
    }
    return out;
  }

  /// One whole PDU (type byte first, header included), or nullopt.
  std::optional<Bytes> read_pdu(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    auto head = read(6, deadline);
    if (!head) return std::nullopt;
    const std::size_t length = (std::size_t{(*head)[2]} << 24) | (std::size_t{(*head)[3]} << 16) |
                               (std::size_t{(*head)[4]} << 8) | (*head)[5];
    auto body = read(length, deadline);
    if (!body) return std::nullopt;
    head->insert(head->end(), body->begin(), body->end());
    return head;
  }

  /// True once the gateway has closed the connection (reading whatever it sent first, such as
  /// an A-ABORT or A-ASSOCIATE-RJ), within `limit`.
  bool closed_by_peer_within(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    char buffer[4096];
    while (wait_readable(deadline)) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  bool wait_readable(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(left)) > 0;
  }

  int fd_;
};

}  // namespace gw::test
