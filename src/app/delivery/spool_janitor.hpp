#pragma once
// storage.retention: removes the instance files of studies registered long enough ago.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"
#include "wall_clock.hpp"

namespace gw::app {

/// Lives on the io_context thread; keeps itself alive between sweeps (shared_from_this).
/// Only registered studies are touched; a study's folder goes only when it is empty, so an
/// instance that arrives during a sweep is never deleted with it.
class SpoolJanitor : public std::enable_shared_from_this<SpoolJanitor> {
 public:
  SpoolJanitor(boost::asio::io_context& io, const storage::Spool& spool,
               registry::StudyRegistry& registry, std::chrono::milliseconds retention,
               WallClock clock = now_ms);
  void start();
  void stop();
  /// One pass: removes what retention allows now; returns the number of studies cleared.
  std::size_t sweep();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  const storage::Spool& spool_;
  registry::StudyRegistry& registry_;
  std::chrono::milliseconds retention_;
  WallClock clock_;
  bool stopped_ = false;
};

}  // namespace gw::app
