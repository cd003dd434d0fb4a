#pragma once
// Structured event log. One line per event, written with a single write(2) so lines from
// different threads never interleave; journald adds the time and the unit.
//
//   log::info("study_registered").kv("uid", uid).kv("study_id", id);
//   → level=info event=study_registered uid=1.2.3 study_id=stu_…
//
// When stderr is the journal's stream (JOURNAL_STREAM names its device:inode), each line
// starts with its syslog priority, `<6>level=info …` (sd-daemon(3)): journald strips it and
// files the line under that priority, so `journalctl -p err` selects errors.
//
// A key appears at most once per line: a later kv() with a key already written (`level` and
// `event` included) is dropped, so JSON lines stay valid for every parser. Durations are in
// milliseconds, in keys ending `_ms`.
//
// Patient names, IDs and birth dates never go into info or above; neither does the API key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

std::optional<Level> parse_level(std::string_view text) noexcept;
std::optional<Format> parse_format(std::string_view text) noexcept;
/// The names logging.level and logging.format use: "debug" ... "error", "text" or "json".
std::string_view to_string(Level level) noexcept;
std::string_view to_string(Format format) noexcept;
/// Process-wide settings; safe to change at any time from any thread (atomics).
void set_level(Level level) noexcept;
void set_format(Format format) noexcept;
bool enabled(Level level) noexcept;
/// The name of the last error event logged by any thread ("" when none): the service status
/// line shows it. Thread-safe.
std::string last_error_event();

/// The sd-daemon(3) priority of a level: debug 7, info 6, warning 4, error 3.
int syslog_priority(Level level) noexcept;
/// Whether `fd` is the stream `journal_stream` names ("device:inode", as systemd puts in
/// JOURNAL_STREAM); false for null, malformed text, or another file. Pure but for fstat(2).
bool is_journal_stream(int fd, const char* journal_stream) noexcept;
/// Looks again at whether stderr is the journal (read once, at the first event, otherwise).
/// For whoever redirects fd 2 or changes JOURNAL_STREAM after logging started: tests. Thread-safe.
void detect_journal_stream() noexcept;

/// One event being built; written when it goes out of scope. Used by one thread.
class Event {
 public:
  Event(Level level, std::string_view name);
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  Event& kv(std::string_view key, std::string_view value);
  Event& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
  Event& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view(value)); }
  Event& kv(std::string_view key, std::int64_t value);
  Event& kv(std::string_view key, int value) { return kv(key, std::int64_t{value}); }
  Event& kv(std::string_view key, unsigned value) { return kv(key, std::int64_t{value}); }
  Event& kv(std::string_view key, std::uint64_t value);
  Event& kv(std::string_view key, double value);
  Event& kv(std::string_view key, bool value) { return kv(key, std::string_view(value ? "true" : "false")); }

 private:
  /// Writes the key and returns true, or returns false when the key is already in the line.
  bool append_key(std::string_view key);
  bool active_;
  Format format_;
  std::string line_;
  std::vector<std::string> keys_;  // written so far, `level` and `event` first
};

inline Event debug(std::string_view name) { return Event(Level::debug, name); }
inline Event info(std::string_view name) { return Event(Level::info, name); }
inline Event warning(std::string_view name) { return Event(Level::warning, name); }
inline Event error(std::string_view name) { return Event(Level::error, name); }

}  // namespace gw::log
