#pragma once
// A real child process for integration tests: started with arguments and environment,
// its stderr captured line by line so a test can wait for a log event.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gw::test {

/// Owns one child; kills it (SIGKILL) if still running when destroyed. Thread-safe reads.
class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The first stderr line containing `needle`, waiting at most `timeout`.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);
  /// Waits until at least `count` stderr lines contain `needle`; false at `timeout`.
  bool wait_for_count(const std::string& needle, int count, std::chrono::milliseconds timeout);
  /// Every stderr line so far, joined with newlines.
  std::string output() const;
  /// How many stderr lines so far contain `needle`.
  int count_lines(const std::string& needle) const;
  /// Sends `signal` and waits for the exit; returns the exit status (or 128 + signal).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Waits for the child to exit by itself (SIGKILL after `timeout`); returns its status.
  int wait_exit(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }

 private:
  void read_loop(int fd);

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool closed_ = false;
  std::optional<int> exit_status_;
};

/// Runs a command to completion; returns its exit code and puts stdout+stderr in `output`.
int run_command(const std::string& program, const std::vector<std::string>& args,
                std::string& output);

/// A value of the form key=value (or key="value") from a `level=… event=…` log line.
std::string log_field(const std::string& line, const std::string& key);

}  // namespace gw::test
