#pragma once
// One flush of the spool's file system for every instance waiting on it (group commit).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

namespace gw::storage {

/// Makes durable what its callers wrote before calling, sharing one flush among every caller
/// that arrives while another flush runs. An fsync of a new file and another of its folder cost
/// two journal commits and two device flushes per instance; Linux's syncfs makes every rename
/// and every written file of the file system durable in one, so with several associations one
/// flush covers the instances of all of them (the arrivals' group commit does the same for
/// SQLite). A caller is covered only by a flush that *starts* after it called: one already
/// running may have passed its writes.
/// Thread-safe; owned by the Spool, shared by every receiving thread.
class FlushGroup {
 public:
  /// `flush` makes everything written so far durable; returns 0 or an errno.
  explicit FlushGroup(std::function<int()> flush);

  /// Returns once a flush that started after this call has ended: 0, or that flush's errno
  /// (every caller it covered sees the same error).
  int flush();

  /// Flushes ended so far (for tests and the benchmark's flushes per instance).
  std::uint64_t flushes() const;
  /// Callers inside flush() now (for tests).
  std::size_t callers() const;

 private:
  std::function<int()> flush_;
  mutable std::mutex mutex_;
  std::condition_variable ended_;
  bool running_ = false;
  std::uint64_t started_ = 0;  // flushes begun; the running one, if any, is number started_
  std::uint64_t ended_count_ = 0;
  std::uint64_t failed_at_ = 0;  // the latest flush that failed, 0 if none
  int failed_with_ = 0;
  std::size_t callers_ = 0;
};

}  // namespace gw::storage
