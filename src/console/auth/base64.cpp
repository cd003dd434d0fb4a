#include "base64.hpp"

#include <array>
#include <cstdint>

namespace gw::console {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr int invalid = -1;

constexpr std::array<int, 256> decoding_table() {
  std::array<int, 256> table{};
  table.fill(invalid);
  for (std::size_t i = 0; i < standard_alphabet.size(); ++i) {
    table[static_cast<unsigned char>(standard_alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 256> standard_values = decoding_table();

}  // namespace

std::string base64url_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) |
                                (std::uint32_t{bytes[i + 1]} << 8) | std::uint32_t{bytes[i + 2]};
    out += url_alphabet[(group >> 18) & 0x3f];
    out += url_alphabet[(group >> 12) & 0x3f];
    out += url_alphabet[(group >> 6) & 0x3f];
    out += url_alphabet[group & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    out += url_alphabet[(group >> 18) & 0x3f];
    out += url_alphabet[(group >> 12) & 0x3f];
  } else if (rest == 2) {
    const std::uint32_t group =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += url_alphabet[(group >> 18) & 0x3f];
    out += url_alphabet[(group >> 12) & 0x3f];
    out += url_alphabet[(group >> 6) & 0x3f];
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Padding, when present, must complete the last group exactly.
  if (!text.empty() && text.back() == '=') {
    if (text.size() % 4 != 0) return std::nullopt;
    text.remove_suffix(1);
    if (!text.empty() && text.back() == '=') text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) return std::nullopt;  // 6 bits cannot end a byte

  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = standard_values[static_cast<unsigned char>(c)];
    if (value == invalid) return std::nullopt;  // includes '=' inside the text
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical spelling
  return out;
}

}  // namespace gw::console
