#include "state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gw::app {
namespace {

std::string holder_of(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "another process" : "process " + pid;
}

}  // namespace

StateLock::StateLock(const std::vector<std::filesystem::path>& paths) {
  try {
    for (const auto& path : paths) {
      const std::filesystem::path lock_path = path.string() + ".lock";
      std::error_code ec;
      if (lock_path.has_parent_path()) std::filesystem::create_directories(lock_path.parent_path(), ec);
      const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
      if (fd < 0) {
        throw std::runtime_error("cannot open " + lock_path.string() + ": " + std::strerror(errno));
      }
      fds_.push_back(fd);
      if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK) {
          throw std::runtime_error(path.string() + " is in use by " + holder_of(fd) +
                                   " (a gateway is already running with this state; stop it "
                                   "first, e.g. systemctl stop dicom-gateway)");
        }
        throw std::runtime_error("cannot lock " + lock_path.string() + ": " + std::strerror(err));
      }
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock holds without the pid; only a second run's message is less precise.
      }
    }
  } catch (...) {
    for (const int fd : fds_) ::close(fd);
    throw;
  }
}

StateLock::~StateLock() {
  for (const int fd : fds_) ::close(fd);
}

}  // namespace gw::app
