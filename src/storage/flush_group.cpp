#include "gateway/storage/flush_group.hpp"

#include <utility>

namespace gw::storage {

FlushGroup::FlushGroup(std::function<int()> flush) : flush_(std::move(flush)) {}

int FlushGroup::flush() {
  std::unique_lock lock(mutex_);
  ++callers_;
  // The first flush to start from now on covers this caller's writes.
  const std::uint64_t mine = started_ + 1;
  while (ended_count_ < mine) {
    if (running_) {
      ended_.wait(lock);
      continue;
    }
    // Leader: flush for everyone waiting, then wake them.
    running_ = true;
    const std::uint64_t number = ++started_;
    lock.unlock();
    const int err = flush_();
    lock.lock();
    running_ = false;
    ended_count_ = number;
    if (err != 0) {
      failed_at_ = number;
      failed_with_ = err;
    }
    ended_.notify_all();
  }
  // Flush `mine` covered this caller. A waiter woken late may also see a later flush's failure:
  // reported as well, since saying "not durable" of a durable instance only costs a resend.
  --callers_;
  return failed_at_ >= mine ? failed_with_ : 0;
}

std::uint64_t FlushGroup::flushes() const {
  std::lock_guard lock(mutex_);
  return ended_count_;
}

std::size_t FlushGroup::callers() const {
  std::lock_guard lock(mutex_);
  return callers_;
}

}  // namespace gw::storage
