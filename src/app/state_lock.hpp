#pragma once
// One daemon per state: `run` holds an exclusive lock on its database and its spool for as
// long as it lives, so that a second `run` against the same configuration cannot clean the
// live daemon's incoming files or requeue its in-flight studies.
#include <filesystem>
#include <string>
#include <vector>

namespace gw::app {

/// flock(2) locks on `<path>.lock` files, each holding the owner's pid. The kernel drops them
/// when the process dies, however it dies: no stale lock to clean up after a crash. Move-only.
class StateLock {
 public:
  /// Locks every path's lock file (creating its folder if needed), or throws
  /// std::runtime_error naming the pid that holds one, having locked nothing.
  explicit StateLock(const std::vector<std::filesystem::path>& paths);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  std::vector<int> fds_;
};

}  // namespace gw::app
