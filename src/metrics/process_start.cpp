#include "process_start.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace gw::metrics {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The boot time in unix seconds (/proc/stat "btime"), 0 when unknown.
double boot_time() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double value = 0;
  while (stat >> key) {
    if (key == "btime" && stat >> value) return value;
    stat.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace

double process_start_time_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return now_seconds();
  // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return now_seconds();
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  // Fields 3..21 precede starttime (field 22, clock ticks after boot).
  for (int i = 3; i < 22; ++i) fields >> field;
  unsigned long long ticks = 0;
  const double boot = boot_time();
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (!(fields >> ticks) || boot == 0 || hz <= 0) return now_seconds();
  return boot + static_cast<double>(ticks) / static_cast<double>(hz);
}

}  // namespace gw::metrics
