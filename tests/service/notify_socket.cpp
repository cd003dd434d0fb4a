#include "notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace gw::test {

NotifySocket::NotifySocket() {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path();
  if (fd_ < 0 || p.size() >= sizeof addr.sun_path) throw std::runtime_error("notify socket");
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot bind " + p);
  }
  reader_ = std::thread([this] { read_loop(); });
}

NotifySocket::~NotifySocket() {
  done_ = true;
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) ::close(fd_);
}

void NotifySocket::read_loop() {
  while (!done_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // 50 ms: notices done_ promptly
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) continue;
    const std::string datagram(buffer, static_cast<std::size_t>(n));
    std::lock_guard lock(mutex_);
    std::size_t at = 0;
    for (;;) {
      const auto end = datagram.find('\n', at);
      const std::string piece = datagram.substr(at, end == std::string::npos ? end : end - at);
      if (!piece.empty()) lines_.push_back(piece);
      if (end == std::string::npos) break;
      at = end + 1;
    }
    arrived_.notify_all();
  }
}

bool NotifySocket::wait_for(const std::string& line, std::chrono::milliseconds timeout,
                            std::size_t from) {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] {
    for (std::size_t i = from; i < lines_.size(); ++i) {
      if (lines_[i] == line) return true;
    }
    return false;
  });
}

std::size_t NotifySocket::size() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

std::vector<std::string> NotifySocket::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::optional<std::size_t> NotifySocket::find(const std::string& line, std::size_t from) const {
  std::lock_guard lock(mutex_);
  for (std::size_t i = from; i < lines_.size(); ++i) {
    if (lines_[i] == line) return i;
  }
  return std::nullopt;
}

}  // namespace gw::test
