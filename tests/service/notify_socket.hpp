#pragma once
// A fake systemd: the AF_UNIX datagram socket NOTIFY_SOCKET names, recording what arrives.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace gw::test {

/// Bound in its own temporary folder. A reader thread drains it all the time, as systemd
/// does: an unread socket would block the gateway's sd_notify once its queue fills.
class NotifySocket {
 public:
  NotifySocket();
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string path() const { return (dir_ / "notify").string(); }
  /// Waits until a line `line` (e.g. "READY=1") is there at position `from` or later;
  /// false at `timeout`.
  bool wait_for(const std::string& line, std::chrono::milliseconds timeout, std::size_t from = 0);
  /// How many lines arrived so far: a `from` for lines still to come.
  std::size_t size() const;
  /// Every datagram so far, split into its lines, in arrival order.
  std::vector<std::string> lines() const;
  /// The position of the first line equal to `line` at or after `from`, if any.
  std::optional<std::size_t> find(const std::string& line, std::size_t from = 0) const;

 private:
  void read_loop();

  TempDir dir_;
  int fd_ = -1;
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> lines_;
  std::thread reader_;
};

}  // namespace gw::test
