#pragma once
// A peer that trickles: on its own thread it sends a burst of bytes, then one byte at a time,
// until the gateway closes the connection. For the tests that the accept path never waits on
// a peer (#17): a slow A-ASSOCIATE-RQ on the plain port, a slow ClientHello or a slow request
// inside TLS on the TLS port.
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace gw::test {

struct TlsClientFiles {
  std::filesystem::path certificate, private_key, ca_file;  // PEM
};

/// Owns its socket and thread; the destructor stops the trickle and joins. Thread-safe reads.
class SlowPeer {
 public:
  using Bytes = std::vector<std::uint8_t>;
  using milliseconds = std::chrono::milliseconds;

  /// Plain TCP: `bytes` as they are (a request, or raw TLS records such as a ClientHello).
  SlowPeer(std::uint16_t port, Bytes bytes, std::size_t burst, milliseconds interval);
  /// TLS: completes a handshake with `files` first (blocking, as a sender would), then sends
  /// `bytes` inside TLS, one record per byte after the burst.
  SlowPeer(std::uint16_t port, Bytes bytes, std::size_t burst, milliseconds interval,
           const TlsClientFiles& files);
  ~SlowPeer();
  SlowPeer(const SlowPeer&) = delete;
  SlowPeer& operator=(const SlowPeer&) = delete;

  /// Bytes sent after the burst so far (the burst counts once it is all sent, as 0).
  long trickled() const { return trickled_.load(); }
  /// True once the gateway has closed the connection; `failure` says what broke first.
  bool closed() const { return closed_.load(); }
  std::string failure() const;

 private:
  void run(Bytes bytes, std::size_t burst, milliseconds interval);
  bool connect(std::uint16_t port);
  bool handshake(const TlsClientFiles& files);
  bool send(const std::uint8_t* data, std::size_t length);
  bool gateway_closed() const;

  int fd_;  // made before the thread starts, so that the destructor can shut it down
  SSL_CTX* context_ = nullptr;
  SSL* session_ = nullptr;
  std::atomic<long> trickled_{-1};
  std::atomic<bool> closed_{false};
  std::atomic<bool> stopping_{false};
  std::string failure_;  // written before closed_ is set
  std::thread thread_;
};

/// The first flight of a TLS 1.2/1.3 client: one ClientHello record, as OpenSSL makes it.
std::vector<std::uint8_t> client_hello();

}  // namespace gw::test
