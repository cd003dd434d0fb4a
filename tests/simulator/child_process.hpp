#pragma once
// Runs the viewer-simulator executable as a child, as scripts/run does, so its CLI, its one
// stdout line and its signal handling are tested for real.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gw::sim::test {

/// One child process with stdout piped to us and stderr sent to a file. Owned by one test
/// thread; killed (SIGKILL) and reaped on destruction if still running.
class ChildProcess {
 public:
  /// Starts `path` with `args` and the parent's environment plus `extra_env` ("NAME=value").
  /// Throws std::system_error when it cannot start.
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const std::vector<std::string>& extra_env, const std::string& stderr_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The next stdout line without its newline; nullopt at end of output or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void send_signal(int signal);
  /// The exit status once the child exits (128+N when killed by signal N); nullopt after
  /// `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int pid_fd_ = -1;  // becomes readable when the child exits: a wait with a timeout
  std::string pending_;
};

}  // namespace gw::sim::test
