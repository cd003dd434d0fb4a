#include "http_date.hpp"

#include <array>
#include <charconv>

namespace gw::viewer::detail {
namespace {

using namespace std::chrono;

// A tiny cursor over the text: each step either consumes what it expects or fails.
class Scanner {
 public:
  explicit Scanner(std::string_view text) noexcept : text_(text) {}

  bool literal(std::string_view expected) noexcept {
    if (text_.substr(0, expected.size()) != expected) return false;
    text_.remove_prefix(expected.size());
    return true;
  }
  // Exactly `digits` decimal digits (a leading space counts as zero when `space_pad`).
  bool number(int digits, int& out, bool space_pad = false) noexcept {
    if (text_.size() < static_cast<std::size_t>(digits)) return false;
    std::string_view field = text_.substr(0, static_cast<std::size_t>(digits));
    if (space_pad && field.front() == ' ') field.remove_prefix(1);
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
    if (ec != std::errc{} || end != field.data() + field.size()) return false;
    text_.remove_prefix(static_cast<std::size_t>(digits));
    return true;
  }
  bool month(int& out) noexcept {
    static constexpr std::array<std::string_view, 12> names = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (literal(names[i])) {
        out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }
  // Skips a day name ("Sun" or "Sunday"): letters only.
  bool day_name() noexcept {
    std::size_t n = 0;
    while (n < text_.size() &&
           ((text_[n] >= 'A' && text_[n] <= 'Z') || (text_[n] >= 'a' && text_[n] <= 'z')))
      ++n;
    if (n < 3) return false;
    text_.remove_prefix(n);
    return true;
  }
  bool time_of_day(int& h, int& m, int& s) noexcept {
    return number(2, h) && literal(":") && number(2, m) && literal(":") && number(2, s);
  }
  bool done() const noexcept { return text_.empty(); }

 private:
  std::string_view text_;
};

std::optional<sys_seconds> make_time(int y, int mo, int d, int h, int mi, int s) noexcept {
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;  // 60: a leap second
  return sys_days{date} + hours{h} + minutes{mi} + seconds{s};
}

std::optional<sys_seconds> imf_fixdate(std::string_view text) noexcept {
  Scanner in(text);
  int d = 0, mo = 0, y = 0, h = 0, mi = 0, s = 0;
  if (!(in.day_name() && in.literal(", ") && in.number(2, d) && in.literal(" ") && in.month(mo) &&
        in.literal(" ") && in.number(4, y) && in.literal(" ") && in.time_of_day(h, mi, s) &&
        in.literal(" GMT") && in.done())) {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, s);
}

std::optional<sys_seconds> rfc850_date(std::string_view text) noexcept {
  Scanner in(text);
  int d = 0, mo = 0, yy = 0, h = 0, mi = 0, s = 0;
  if (!(in.day_name() && in.literal(", ") && in.number(2, d) && in.literal("-") && in.month(mo) &&
        in.literal("-") && in.number(2, yy) && in.literal(" ") && in.time_of_day(h, mi, s) &&
        in.literal(" GMT") && in.done())) {
    return std::nullopt;
  }
  // RFC 9110: a two-digit year more than 50 years in the future means the past century.
  // Retry-After dates are near "now", so a fixed pivot is close enough.
  const int y = yy < 70 ? 2000 + yy : 1900 + yy;
  return make_time(y, mo, d, h, mi, s);
}

std::optional<sys_seconds> asctime_date(std::string_view text) noexcept {
  Scanner in(text);
  int d = 0, mo = 0, y = 0, h = 0, mi = 0, s = 0;
  if (!(in.day_name() && in.literal(" ") && in.month(mo) && in.literal(" ") &&
        in.number(2, d, /*space_pad=*/true) && in.literal(" ") && in.time_of_day(h, mi, s) &&
        in.literal(" ") && in.number(4, y) && in.done())) {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, s);
}

}  // namespace

std::optional<sys_seconds> parse_http_date(std::string_view text) noexcept {
  if (auto t = imf_fixdate(text)) return t;
  if (auto t = rfc850_date(text)) return t;
  return asctime_date(text);
}

}  // namespace gw::viewer::detail
