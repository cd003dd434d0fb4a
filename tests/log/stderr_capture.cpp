#include "stderr_capture.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gateway/log/log.hpp"

namespace gw::test {
namespace {

std::string device_inode(int fd) {
  struct stat st {};
  ::fstat(fd, &st);
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

}  // namespace

std::string capture_stderr(Journal journal, const std::function<void()>& log_something) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[1]);
    switch (journal) {
      case Journal::none: ::unsetenv("JOURNAL_STREAM"); break;
      case Journal::matches: ::setenv("JOURNAL_STREAM", device_inode(STDERR_FILENO).c_str(), 1); break;
      case Journal::other: ::setenv("JOURNAL_STREAM", device_inode(STDIN_FILENO).c_str(), 1); break;
    }
    log::detect_journal_stream();
    log_something();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

}  // namespace gw::test
