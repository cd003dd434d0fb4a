#include "waiting_state.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

#include "gateway/registry/study_registry.hpp"

namespace gw::app {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

double oldest_pending_age_seconds(registry::StudyRegistry& registry) {
  const std::optional<registry::TimestampMs> oldest = registry.oldest_waiting();
  if (!oldest) return 0;
  return std::max(0.0, now_seconds() - static_cast<double>(*oldest) / 1000.0);
}

SpoolSpace spool_space(const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return {};
  const auto block = static_cast<double>(fs.f_frsize);
  return {true, static_cast<double>(fs.f_bavail) * block, static_cast<double>(fs.f_blocks) * block};
}

}  // namespace gw::app
