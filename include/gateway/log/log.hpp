#pragma once
// Structured event log. One line per event, written with a single write(2) so lines from
// different threads never interleave; journald adds the time and the unit.
//
//   log::info("study_registered").kv("uid", uid).kv("study_id", id);
//   → level=info event=study_registered uid=1.2.3 study_id=stu_…
//
// Patient names, IDs and birth dates never go into info or above; neither does the API key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

std::optional<Level> parse_level(std::string_view text) noexcept;
/// Process-wide settings; safe to change at any time from any thread (atomics).
void set_level(Level level) noexcept;
void set_format(Format format) noexcept;
bool enabled(Level level) noexcept;
/// The name of the last error event logged by any thread ("" when none): the service status
/// line shows it. Thread-safe.
std::string last_error_event();

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
  void append_key(std::string_view key);
  bool active_;
  Format format_;
  std::string line_;
};

inline Event debug(std::string_view name) { return Event(Level::debug, name); }
inline Event info(std::string_view name) { return Event(Level::info, name); }
inline Event warning(std::string_view name) { return Event(Level::warning, name); }
inline Event error(std::string_view name) { return Event(Level::error, name); }

}  // namespace gw::log
