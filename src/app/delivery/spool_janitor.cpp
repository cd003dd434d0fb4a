#include "spool_janitor.hpp"

#include <algorithm>
#include <filesystem>

#include "gateway/log/log.hpp"
#include "wall_clock.hpp"

namespace gw::app {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kStudiesPerSweep = 500;

/// Deletes the study's files written at or before `cutoff`, then the folder if it is empty.
/// A newer file is a late instance: it stays for a later sweep.
bool clear_study(const fs::path& dir, fs::file_time_type cutoff) {
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(dir, ec)) {
    if (file.last_write_time(ec) <= cutoff) fs::remove(file.path(), ec);
  }
  fs::remove(dir, ec);  // only succeeds when empty
  return !fs::exists(dir);
}

}  // namespace

SpoolJanitor::SpoolJanitor(boost::asio::io_context& io, const storage::Spool& spool,
                           registry::StudyRegistry& registry, std::chrono::milliseconds retention,
                           WallClock clock)
    : timer_(io), spool_(spool), registry_(registry), retention_(retention), clock_(std::move(clock)) {}

void SpoolJanitor::start() {
  log::info("spool_retention").kv("retention_ms", static_cast<std::int64_t>(retention_.count()));
  schedule();
}

void SpoolJanitor::stop() {
  stopped_ = true;
  timer_.cancel();
}

void SpoolJanitor::schedule() {
  if (stopped_) return;
  // Sweep ten times per retention period, at least every minute and at most every second.
  const auto interval = std::clamp<std::chrono::milliseconds>(
      retention_ / 10, std::chrono::seconds(1), std::chrono::minutes(1));
  timer_.expires_after(interval);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    try {
      self->sweep();
    } catch (const std::exception& e) {
      log::error("spool_retention_failed").kv("reason", e.what());
    }
    self->schedule();
  });
}

std::size_t SpoolJanitor::sweep() {
  const registry::TimestampMs cutoff = clock_() - retention_.count();
  // File times are compared on the file clock: the same instant as `cutoff`.
  const auto file_cutoff = fs::file_time_type::clock::now() - retention_;
  std::size_t cleared = 0;
  for (const auto& uid : registry_.spooled_registered_before(cutoff, kStudiesPerSweep)) {
    if (!clear_study(spool_.root() / uid, file_cutoff)) continue;
    registry_.mark_spool_removed(uid, cutoff);
    ++cleared;
    log::debug("spool_study_removed").kv("study_uid", uid);
  }
  if (cleared) log::info("spool_retention_sweep").kv("studies_removed", static_cast<std::uint64_t>(cleared));
  return cleared;
}

}  // namespace gw::app
