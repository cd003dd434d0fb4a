#include "gateway/storage/spool.hpp"

#include "gateway/fault/crash_point.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace gw::storage {
namespace {

/// Opens `path` with `flags`, runs `op` on the descriptor (an errno, 0 on success) and closes
/// it; returns the open's errno or op's result.
template <typename Op>
int with_open(const std::filesystem::path& path, int flags, Op op) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = op(fd);
  ::close(fd);
  return rc;
}

/// fsync of a file or a directory by path; returns errno, 0 on success.
int fsync_path(const std::filesystem::path& path, int flags) {
  return with_open(path, flags, [](int fd) { return ::fsync(fd) == 0 ? 0 : errno; });
}

/// Writes the file's data to the device and waits for it (no cache flush), so that the
/// rename that follows is never on disk before the data it names. The group flush then makes
/// the file's metadata and its name durable. A file system without sync_file_range gets an
/// fdatasync instead. Returns errno, 0 on success.
int write_out(const std::filesystem::path& path) {
  return with_open(path, O_RDONLY, [](int fd) {
    if (::sync_file_range(fd, 0, 0,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                              SYNC_FILE_RANGE_WAIT_AFTER) == 0) {
      return 0;
    }
    const int err = errno;
    if (err != EINVAL && err != ENOSYS && err != ESPIPE) return err;
    return ::fdatasync(fd) == 0 ? 0 : errno;
  });
}

/// syncfs of the file system holding `folder`: every written file, rename and new folder on
/// it becomes durable, and (Linux 5.8 and later) a writeback error on it is reported.
/// Returns errno, 0 on success.
int sync_file_system(const std::filesystem::path& folder) {
  return with_open(folder, O_RDONLY | O_DIRECTORY,
                   [](int fd) { return ::syncfs(fd) == 0 ? 0 : errno; });
}

SpoolError classify(int err) {
  return (err == ENOSPC || err == EDQUOT) ? SpoolError::no_space : SpoolError::io_error;
}

}  // namespace

Spool::Spool(std::filesystem::path root)
    : root_(std::move(root)),
      flushes_(std::make_unique<FlushGroup>([folder = root_] { return sync_file_system(folder); })) {}

Spool::~Spool() = default;

void Spool::prepare() {
  std::error_code ec;
  std::filesystem::create_directories(incoming_dir(), ec);
  if (ec) {
    throw std::runtime_error("cannot create spool " + incoming_dir().string() + ": " +
                             ec.message());
  }
}

std::filesystem::path Spool::path_for(const std::string& study_uid,
                                      const std::string& sop_uid) const {
  return root_ / study_uid / (sop_uid + ".dcm");
}

SpoolError Spool::commit(const std::filesystem::path& temp, const std::string& study_uid,
                         const std::string& sop_uid, std::string& detail) const {
  if (const int err = write_out(temp)) {
    detail = "cannot write received file to disk: " + std::string(std::strerror(err));
    return classify(err);
  }
  fault::crash_point("instance_written");
  const std::filesystem::path study_dir = root_ / study_uid;
  if (::mkdir(study_dir.c_str(), 0750) != 0 && errno != EEXIST) {
    const int err = errno;
    detail = "cannot create study folder: " + std::string(std::strerror(err));
    return classify(err);
  }
  const std::filesystem::path target = path_for(study_uid, sop_uid);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    detail = "rename into spool failed: " + std::string(std::strerror(err));
    return classify(err);
  }
  fault::crash_point("instance_renamed");
  // One flush makes the file's metadata, its new name and a new study folder durable, shared
  // with every other association's instance renamed before it started.
  if (const int err = flushes_->flush()) {
    detail = "flush of the spool's file system failed: " + std::string(std::strerror(err));
    return classify(err);
  }
  fault::crash_point("spool_flushed");
  return SpoolError::none;
}

std::uint64_t Spool::flushes() const { return flushes_->flushes(); }

bool Spool::remove_study(const std::string& study_uid, std::string& detail) const {
  std::error_code ec;
  std::filesystem::remove_all(root_ / study_uid, ec);
  if (ec) {
    detail = "cannot remove " + (root_ / study_uid).string() + ": " + ec.message();
    return false;
  }
  if (const int err = fsync_path(root_, O_RDONLY | O_DIRECTORY)) {
    detail = "fsync of spool failed: " + std::string(std::strerror(err));
    return false;
  }
  return true;
}

}  // namespace gw::storage
