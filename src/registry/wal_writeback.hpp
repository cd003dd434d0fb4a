#pragma once
// Starts writing the WAL's pages to disk as unsynced arrival commits add them.
#include <string>

namespace gw::registry {

/// Arrivals commit without syncing the WAL (UnsyncedCommits), so the next synced commit, a
/// study's claim just before its request, used to write every page they added since the last
/// sync: 5-11 ms on the benchmark machine during ingest, on the registration's path. Queuing
/// those pages for writeback as arrivals commit (sync_file_range with SYNC_FILE_RANGE_WRITE,
/// which does not wait) leaves the claim's fdatasync only the tail.
///
/// Once per `every` commits, not after each: an arrival adds about 30 KB of WAL frames (7
/// pages), more than a small instance's own bytes, and one writeback per commit turned each
/// into a small write of its own: corpus B on one association lost 10% of its rate and gained
/// 14% of CPU per instance. Eight commits make one sequential write of about 240 KB, and leave
/// the claim at most that much.
///
/// Durability still comes from the synced commits alone: any failure here is ignored.
class WalWriteback {
 public:
  static constexpr unsigned kDefaultEvery = 8;

  explicit WalWriteback(std::string wal_path, unsigned every = kDefaultEvery)
      : wal_path_(std::move(wal_path)), every_(every == 0 ? 1 : every) {}

  /// Called after each unsynced commit: every `every`-th call queues the WAL's dirty pages.
  void committed() noexcept;
  /// Queues the WAL's dirty pages for writeback now. The file is opened for each call: SQLite
  /// may delete and re-create the WAL, and three system calls are nothing next to 240 KB.
  void start() noexcept;
  /// Writeback requests issued so far (for tests).
  unsigned requests() const { return requests_; }

 private:
  std::string wal_path_;
  unsigned every_;
  unsigned since_last_ = 0;
  bool unusable_ = false;
  unsigned requests_ = 0;
};

}  // namespace gw::registry
