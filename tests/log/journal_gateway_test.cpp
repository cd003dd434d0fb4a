// A real gateway whose stderr is "the journal" (JOURNAL_STREAM names it, as systemd does):
// `journalctl -p err` would find its errors because each line starts with its priority.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway_harness.hpp"
#include "text_file.hpp"

namespace gw::test {
namespace {

/// The first line of `path` containing `needle`, polling until `timeout` (a watchdog for a
/// file another process appends to; there is no event to wait on).
std::string wait_for_line(const std::string& path, const std::string& needle,
                          std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(read_file(path));
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) return line;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

TEST(JournalGateway, InfoLinesStartWithSixAndErrorLinesWithThree) {
  GatewayHarness harness;
  harness.write_config();
  const std::string log_path = (harness.dir() / "journal.log").string();
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  ASSERT_GE(log_fd, 0);
  struct stat st {};
  ::fstat(log_fd, &st);
  const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const std::string config = harness.config_path();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(log_fd, STDERR_FILENO);
    ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
    ::setenv("GW_TEST_API_KEY", kApiKey.c_str(), 1);
    ::execl(kGatewayBinary.c_str(), kGatewayBinary.c_str(), "run", "--config", config.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(log_fd);
  const std::string ready = wait_for_line(log_path, "event=gateway_ready", std::chrono::seconds(20));
  EXPECT_EQ(ready.rfind("<6>level=info event=gateway_ready", 0), 0u) << read_file(log_path);

  std::ofstream(config) << "dicom: { colour: blue }\n";  // the reload is rejected: an error
  ::kill(pid, SIGHUP);
  const std::string rejected = wait_for_line(log_path, "event=config_reload_rejected", std::chrono::seconds(20));
  EXPECT_EQ(rejected.rfind("<3>level=error event=config_reload_rejected", 0), 0u) << read_file(log_path);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::istringstream lines(read_file(log_path));
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.front(), '<') << "every line has its priority: " << line;
  }
}

}  // namespace
}  // namespace gw::test
