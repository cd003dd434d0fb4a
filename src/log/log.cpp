#include "gateway/log/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace gw::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
// Whether stderr is the journal: -1 not looked at yet, 0 no, 1 yes. systemd sets
// JOURNAL_STREAM for the service's stderr; a child that inherits the variable but writes
// elsewhere (a pipe, a file) must not get the prefix, hence the fstat comparison.
std::atomic<int> g_journal{-1};
std::mutex g_last_error_mutex;
std::string g_last_error;

constexpr std::string_view level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "info";
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
}

bool stderr_is_journal() noexcept {
  int known = g_journal.load(std::memory_order_relaxed);
  if (known < 0) {
    detect_journal_stream();
    known = g_journal.load();
  }
  return known == 1;
}

}  // namespace

int syslog_priority(Level level) noexcept {
  switch (level) {
    case Level::debug: return 7;
    case Level::info: return 6;
    case Level::warning: return 4;
    case Level::error: return 3;
  }
  return 6;
}

bool is_journal_stream(int fd, const char* journal_stream) noexcept {
  if (journal_stream == nullptr || *journal_stream == '\0') return false;
  char* end = nullptr;
  const unsigned long long device = std::strtoull(journal_stream, &end, 10);
  if (end == journal_stream || *end != ':') return false;
  const char* inode_text = end + 1;
  const unsigned long long inode = std::strtoull(inode_text, &end, 10);
  if (end == inode_text || *end != '\0') return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device &&
         static_cast<unsigned long long>(st.st_ino) == inode;
}

void detect_journal_stream() noexcept {
  g_journal.store(is_journal_stream(STDERR_FILENO, std::getenv("JOURNAL_STREAM")) ? 1 : 0);
}

std::optional<Level> parse_level(std::string_view text) noexcept {
  for (Level l : {Level::debug, Level::info, Level::warning, Level::error}) {
    if (level_name(l) == text) return l;
  }
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) noexcept {
  for (Format f : {Format::text, Format::json}) {
    if (to_string(f) == text) return f;
  }
  return std::nullopt;
}

std::string_view to_string(Level level) noexcept { return level_name(level); }
std::string_view to_string(Format format) noexcept {
  return format == Format::json ? "json" : "text";
}

void set_level(Level level) noexcept { g_level.store(level); }
void set_format(Format format) noexcept { g_format.store(format); }
bool enabled(Level level) noexcept { return level >= g_level.load(std::memory_order_relaxed); }

std::string last_error_event() {
  std::lock_guard lock(g_last_error_mutex);
  return g_last_error;
}

Event::Event(Level level, std::string_view name) : active_(enabled(level)), format_(g_format.load()) {
  if (level == Level::error) {
    std::lock_guard lock(g_last_error_mutex);
    g_last_error.assign(name);
  }
  if (!active_) return;
  line_.reserve(160);
  keys_ = {"level", "event"};
  if (stderr_is_journal()) {
    line_ += '<';
    line_ += static_cast<char>('0' + syslog_priority(level));
    line_ += '>';
  }
  if (format_ == Format::json) {
    line_ += "{\"level\":\"";
    line_ += level_name(level);
    line_ += "\",\"event\":\"";
    append_escaped(line_, name);
    line_ += '"';
  } else {
    line_ += "level=";
    line_ += level_name(level);
    line_ += " event=";
    line_ += name;
  }
}

Event::~Event() {
  if (!active_) return;
  line_ += format_ == Format::json ? "}\n" : "\n";
  // One write per line: the kernel keeps it whole against other threads' lines.
  std::size_t done = 0;
  while (done < line_.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line_.data() + done, line_.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
}

bool Event::append_key(std::string_view key) {
  // A repeated key would make a JSON line ambiguous (parsers keep the first, the last, or
  // refuse it): the first value written stands.
  if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return false;
  keys_.emplace_back(key);
  if (format_ == Format::json) {
    line_ += ",\"";
    append_escaped(line_, key);
    line_ += "\":";
  } else {
    line_ += ' ';
    line_ += key;
    line_ += '=';
  }
  return true;
}

Event& Event::kv(std::string_view key, std::string_view value) {
  if (!active_ || !append_key(key)) return *this;
  if (format_ == Format::json || needs_quotes(value)) {
    line_ += '"';
    append_escaped(line_, value);
    line_ += '"';
  } else {
    line_ += value;
  }
  return *this;
}

Event& Event::kv(std::string_view key, std::int64_t value) {
  if (!active_ || !append_key(key)) return *this;
  line_ += std::to_string(value);
  return *this;
}

Event& Event::kv(std::string_view key, std::uint64_t value) {
  if (!active_ || !append_key(key)) return *this;
  line_ += std::to_string(value);
  return *this;
}

Event& Event::kv(std::string_view key, double value) {
  if (!active_ || !append_key(key)) return *this;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  line_ += buf;
  return *this;
}

}  // namespace gw::log
