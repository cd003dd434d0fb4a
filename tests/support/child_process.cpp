#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace gw::test {
namespace {

std::vector<char*> as_argv(std::vector<std::string>& storage) {
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& extra_env) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (const auto& [k, v] : extra_env) env_storage.push_back(k + "=" + v);
  auto argv = as_argv(argv_storage);
  auto envp = as_argv(env_storage);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { read_loop(fd); });
}

ChildProcess::~ChildProcess() {
  if (!exit_status_) stop(SIGKILL);
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_loop(int fd) {
  std::string partial;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    partial.append(buffer, static_cast<std::size_t>(n));
    std::size_t newline;
    while ((newline = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mutex_);
      lines_.push_back(partial.substr(0, newline));
      partial.erase(0, newline + 1);
      changed_.notify_all();
    }
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  if (!partial.empty()) lines_.push_back(partial);
  closed_ = true;
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::wait_for_line(const std::string& needle,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const auto& line : lines_) {
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return closed_;
  });
  return found;
}

bool ChildProcess::wait_for_count(const std::string& needle, int count,
                                  std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    int n = 0;
    for (const auto& line : lines_) n += line.find(needle) != std::string::npos ? 1 : 0;
    return n >= count;
  });
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  std::string all;
  for (const auto& line : lines_) all += line + "\n";
  return all;
}

int ChildProcess::count_lines(const std::string& needle) const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& line : lines_) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (exit_status_) return *exit_status_;
  ::kill(pid_, signal);
  return wait_exit(timeout);
}

int ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return *exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || r < 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polls waitpid
  }
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_status_;
}

int run_command(const std::string& program, const std::vector<std::string>& args,
                std::string& output) {
  ChildProcess child(program, args);
  const int code = child.wait_exit(std::chrono::seconds(120));
  // The pipe closes once the child is gone; wait for the reader to see it.
  child.wait_for_line("\x01never\x01", std::chrono::seconds(10));
  output = child.output();
  return code;
}

std::string log_field(const std::string& line, const std::string& key) {
  const std::string marker = " " + key + "=";
  std::size_t pos = line.find(marker);
  if (pos == std::string::npos) return {};
  pos += marker.size();
  if (pos < line.size() && line[pos] == '"') {
    const std::size_t end = line.find('"', pos + 1);
    return line.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
  }
  const std::size_t end = line.find(' ', pos);
  return line.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

}  // namespace gw::test
