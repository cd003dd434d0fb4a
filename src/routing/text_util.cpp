#include "text_util.hpp"

namespace gw::routing {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_at(std::string_view value, std::size_t at, std::string_view lowered) noexcept {
  for (std::size_t i = 0; i < lowered.size(); ++i) {
    if (lower(value[at + i]) != lowered[i]) return false;
  }
  return true;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool equals_folded(std::string_view value, std::string_view lowered) noexcept {
  return value.size() == lowered.size() && equal_at(value, 0, lowered);
}

bool starts_with_folded(std::string_view value, std::string_view lowered) noexcept {
  return value.size() >= lowered.size() && equal_at(value, 0, lowered);
}

bool ends_with_folded(std::string_view value, std::string_view lowered) noexcept {
  return value.size() >= lowered.size() && equal_at(value, value.size() - lowered.size(), lowered);
}

bool contains_folded(std::string_view value, std::string_view lowered) noexcept {
  if (lowered.size() > value.size()) return false;
  for (std::size_t at = 0; at + lowered.size() <= value.size(); ++at) {
    if (equal_at(value, at, lowered)) return true;
  }
  return false;
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // count lead bytes only
  }
  return n;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) noexcept {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return text.substr(0, i);
      ++chars;
    }
  }
  return text;
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    if (c == '"') out += '\\';  // backslashes stay as written: regexes are easier to read
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace gw::routing
