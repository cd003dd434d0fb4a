#include "iso8601.hpp"

#include <cstddef>

namespace gw::viewer::detail {
namespace {

// Reads exactly `count` digits at `pos`; -1 when any is not a digit or the text is too short.
int digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) noexcept {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS is 19 characters with fixed separators.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  // 60 is a leap second; it is read as the next second's start, which a time bound tolerates.
  if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;

  std::size_t pos = 19;
  microseconds fraction{0};
  if (text[pos] == '.' || text[pos] == ',') {
    ++pos;
    const std::size_t start = pos;
    long long micros = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 6) micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (std::size_t n = pos - start; n < 6; ++n) micros *= 10;
    fraction = microseconds(micros);
  }

  minutes offset{0};
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const bool negative = text[pos] == '-';
    const int oh = digits(text, pos + 1, 2);
    std::size_t after = pos + 3;
    if (after < text.size() && text[after] == ':') ++after;
    const int om = digits(text, after, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = hours(oh) + minutes(om);
    if (negative) offset = -offset;
    pos = after + 2;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const auto local = sys_days(date) + hours(h) + minutes(mi) + seconds(s) + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

}  // namespace gw::viewer::detail
