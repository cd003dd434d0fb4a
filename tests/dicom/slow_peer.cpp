#include "slow_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <mutex>
#include <optional>

namespace gw::test {
namespace {

std::mutex failure_mutex;

/// SSL_write reaches a closed socket through write(2): SIGPIPE would end the test binary.
void ignore_sigpipe() {
  static const bool ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignored;
}

}  // namespace

SlowPeer::SlowPeer(std::uint16_t port, Bytes bytes, std::size_t burst, milliseconds interval)
    : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  ignore_sigpipe();
  thread_ = std::thread([this, port, bytes = std::move(bytes), burst, interval]() mutable {
    if (!connect(port)) return;
    run(std::move(bytes), burst, interval);
  });
}

SlowPeer::SlowPeer(std::uint16_t port, Bytes bytes, std::size_t burst, milliseconds interval,
                   const TlsClientFiles& files)
    : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  ignore_sigpipe();
  thread_ = std::thread([this, port, bytes = std::move(bytes), burst, interval, files]() mutable {
    if (!connect(port) || !handshake(files)) return;
    run(std::move(bytes), burst, interval);
  });
}

SlowPeer::~SlowPeer() {
  stopping_ = true;
  ::shutdown(fd_, SHUT_RDWR);  // ends a blocking connect or handshake the gateway never answers
  if (thread_.joinable()) thread_.join();
  SSL_free(session_);
  SSL_CTX_free(context_);
  if (fd_ >= 0) ::close(fd_);
}

std::string SlowPeer::failure() const {
  std::lock_guard lock(failure_mutex);
  return failure_;
}

bool SlowPeer::connect(std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) return true;
  std::lock_guard lock(failure_mutex);
  failure_ = "connect failed";
  closed_ = true;
  return false;
}

bool SlowPeer::handshake(const TlsClientFiles& files) {
  context_ = SSL_CTX_new(TLS_client_method());
  bool ok = context_ != nullptr &&
            SSL_CTX_use_certificate_chain_file(context_, files.certificate.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(context_, files.private_key.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_load_verify_locations(context_, files.ca_file.c_str(), nullptr) == 1;
  if (ok) {
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    session_ = SSL_new(context_);
    SSL_set_fd(session_, fd_);
    // The gateway's certificate names 127.0.0.1: verified as a sender would.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session_), "127.0.0.1");
    ok = SSL_connect(session_) == 1;
  }
  if (ok) return true;
  std::lock_guard lock(failure_mutex);
  failure_ = "TLS handshake failed";
  closed_ = true;
  return false;
}

bool SlowPeer::send(const std::uint8_t* data, std::size_t length) {
  for (std::size_t at = 0; at < length;) {
    const long n = session_ != nullptr
                       ? SSL_write(session_, data + at, static_cast<int>(length - at))
                       : ::send(fd_, data + at, length - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

bool SlowPeer::gateway_closed() const {
  pollfd pfd{fd_, POLLRDHUP, 0};
  return ::poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

void SlowPeer::run(Bytes bytes, std::size_t burst, milliseconds interval) {
  const auto finish = [this](const char* why) {
    std::lock_guard lock(failure_mutex);
    failure_ = why;
    closed_ = true;
  };
  burst = std::min(burst, bytes.size());
  if (!send(bytes.data(), burst)) return finish("burst not sent");
  trickled_ = 0;
  std::size_t at = burst;
  while (!stopping_) {
    // Wait out the interval in slices, so that the gateway's close is seen when it happens.
    const auto next = std::chrono::steady_clock::now() + interval;
    while (!stopping_ && std::chrono::steady_clock::now() < next) {
      if (gateway_closed()) return finish("closed by the gateway");
      std::this_thread::sleep_for(milliseconds(5));
    }
    if (at >= bytes.size() || stopping_) continue;  // all sent: wait for the close
    if (!send(&bytes[at], 1)) return finish("send failed");
    ++at;
    ++trickled_;
  }
}

std::vector<std::uint8_t> client_hello() {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL* session = SSL_new(context);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(session, in, out);  // the session owns both
  SSL_connect(session);           // writes the ClientHello, then wants the server's answer
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);
  std::vector<std::uint8_t> hello(data, data + std::max(length, 0L));
  SSL_free(session);
  SSL_CTX_free(context);
  return hello;
}

}  // namespace gw::test
