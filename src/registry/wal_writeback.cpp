#include "wal_writeback.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace gw::registry {

void WalWriteback::committed() noexcept {
  if (++since_last_ < every_) return;
  since_last_ = 0;
  start();
}

void WalWriteback::start() noexcept {
  if (unusable_ || wal_path_.empty()) return;
  // Read-only is enough: sync_file_range, like fsync, needs no write access.
  const int fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // no WAL yet (or a database in another journal mode)
  // Offset 0, length 0: every dirty page of the file not already being written.
  if (::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0) {
    ++requests_;
  } else {
    unusable_ = true;  // a file system without it: the synced commits do the whole work
  }
  ::close(fd);
}

}  // namespace gw::registry
