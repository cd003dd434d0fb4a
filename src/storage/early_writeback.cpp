#include "gateway/storage/early_writeback.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace gw::storage {

EarlyWriteback::EarlyWriteback(std::filesystem::path file, std::uint64_t step)
    : file_(std::move(file)), step_(step == 0 ? kDefaultStep : step), next_(step_) {}

EarlyWriteback::~EarlyWriteback() {
  if (fd_ >= 0) ::close(fd_);
}

void EarlyWriteback::progress(std::uint64_t received) {
  if (unusable_ || received < next_) return;
  if (fd_ < 0) {
    // Read-only is enough: sync_file_range, like fsync, needs no write access.
    fd_ = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      unusable_ = true;  // /dev/null for a full spool, or a file already gone
      return;
    }
  }
  // Offset 0, length 0: every dirty page of the file not already being written.
  if (::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE) != 0) {
    unusable_ = true;  // a file system without it; the fsync does the whole work as before
    return;
  }
  ++requests_;
  next_ = received + step_;
}

}  // namespace gw::storage
