// FlushGroup: one flush for every caller waiting, and never a flush that started too early.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/storage/flush_group.hpp"

namespace {

/// A flush the test releases by hand, one at a time.
struct HeldFlush {
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  int released = 0;
  int result = 0;

  int run() {
    std::unique_lock lock(mutex);
    const int number = ++started;
    changed.notify_all();
    changed.wait(lock, [&] { return released >= number; });
    return result;
  }
  void wait_started(int n) {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return started >= n; }))
        << "flush " << n << " never started";
  }
  void release(int n, int with = 0) {
    std::lock_guard lock(mutex);
    result = with;
    released = n;
    changed.notify_all();
  }
};

/// Waits (with a watchdog) until `n` callers are inside flush().
void wait_callers(const gw::storage::FlushGroup& group, std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (group.callers() < n) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "callers never arrived";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

TEST(FlushGroup, ACallerArrivingDuringAFlushWaitsForTheNextOneWhichCoversEveryoneWaiting) {
  HeldFlush held;
  gw::storage::FlushGroup group([&] { return held.run(); });

  auto first = std::async(std::launch::async, [&] { return group.flush(); });
  held.wait_started(1);
  // These three renamed their files while flush 1 ran: flush 1 may have missed them.
  std::vector<std::future<int>> late;
  for (int i = 0; i < 3; ++i) late.push_back(std::async(std::launch::async, [&] { return group.flush(); }));
  wait_callers(group, 4);  // the three are queued behind flush 1
  held.release(1);
  EXPECT_EQ(first.get(), 0);
  held.wait_started(2);
  for (auto& f : late) {
    EXPECT_EQ(f.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout)
        << "a caller returned on a flush that started before it called";
  }
  held.release(2);
  for (auto& f : late) EXPECT_EQ(f.get(), 0);
  EXPECT_EQ(group.flushes(), 2u) << "the three late callers share one flush";
}

TEST(FlushGroup, EveryCallerAFailedFlushCoveredSeesItsError) {
  HeldFlush held;
  gw::storage::FlushGroup group([&] { return held.run(); });
  auto first = std::async(std::launch::async, [&] { return group.flush(); });
  held.wait_started(1);
  auto second = std::async(std::launch::async, [&] { return group.flush(); });
  auto third = std::async(std::launch::async, [&] { return group.flush(); });
  wait_callers(group, 3);
  held.release(1);
  held.wait_started(2);
  held.release(2, EIO);
  EXPECT_EQ(first.get(), 0);
  EXPECT_EQ(second.get(), EIO) << "the disk said no: the instance must not be acknowledged";
  EXPECT_EQ(third.get(), EIO);
  // The next caller gets a flush of its own, and its success.
  held.release(3);
  EXPECT_EQ(group.flush(), 0);
}

TEST(FlushGroup, ManyThreadsEachReturnAfterAFlushAndShareThem) {
  std::atomic<int> calls_in_flush{0};
  gw::storage::FlushGroup group([&] {
    ++calls_in_flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return 0;
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) ASSERT_EQ(group.flush(), 0);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(static_cast<std::uint64_t>(calls_in_flush.load()), group.flushes());
  EXPECT_LT(group.flushes(), 200u) << "8 threads, 25 calls each: some must have shared";
  EXPECT_GE(group.flushes(), 25u) << "each thread's calls are sequential: one flush each at least";
}
