#pragma once
// Starts writing the WAL's pages to disk as unsynced arrival commits add them.
#include <string>

namespace gw::registry {

/// Arrivals commit without syncing the WAL (UnsyncedCommits), so the next synced commit, a
/// study's claim just before its request, used to write every page they added since the last
/// sync: 5-11 ms on the benchmark machine during ingest, on the registration's path. Queuing
/// those pages for writeback after each arrival commit (sync_file_range with
/// SYNC_FILE_RANGE_WRITE, which does not wait) leaves the claim's fdatasync only the tail.
/// Durability still comes from the synced commits alone: any failure here is ignored.
class WalWriteback {
 public:
  explicit WalWriteback(std::string wal_path) : wal_path_(std::move(wal_path)) {}
  /// Queues the WAL's dirty pages for writeback. The file is opened for each call: SQLite may
  /// delete and re-create the WAL, and three system calls are nothing next to a commit.
  void start() noexcept;
  /// Writeback requests issued so far (for tests).
  unsigned requests() const { return requests_; }

 private:
  std::string wal_path_;
  bool unusable_ = false;
  unsigned requests_ = 0;
};

}  // namespace gw::registry
