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

/// fsync of a file or a directory by path; returns errno, 0 on success.
int fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

SpoolError classify(int err) {
  return (err == ENOSPC || err == EDQUOT) ? SpoolError::no_space : SpoolError::io_error;
}

}  // namespace

Spool::Spool(std::filesystem::path root) : root_(std::move(root)) {}

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
  if (const int err = fsync_path(temp, O_RDONLY)) {
    detail = "fsync of received file failed: " + std::string(std::strerror(err));
    return classify(err);
  }
  fault::crash_point("instance_fsynced");
  const std::filesystem::path study_dir = root_ / study_uid;
  bool new_dir = false;
  if (::mkdir(study_dir.c_str(), 0750) == 0) {
    new_dir = true;
  } else if (errno != EEXIST) {
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
  // The rename is durable only once the folder holding the new name is.
  if (const int err = fsync_path(study_dir, O_RDONLY | O_DIRECTORY)) {
    detail = "fsync of study folder failed: " + std::string(std::strerror(err));
    return classify(err);
  }
  if (new_dir) {
    if (const int err = fsync_path(root_, O_RDONLY | O_DIRECTORY)) {
      detail = "fsync of spool failed: " + std::string(std::strerror(err));
      return classify(err);
    }
  }
  fault::crash_point("folder_fsynced");
  return SpoolError::none;
}

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
