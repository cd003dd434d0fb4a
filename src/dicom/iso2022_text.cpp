#include "iso2022_text.hpp"

#include <iconv.h>

#include <cstdint>

namespace gw::dicom {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

/// What the bytes of G0 (0x21–0x7E) or G1 (0xA1–0xFE) currently mean.
enum class Set {
  ascii,
  jis_roman,     // JIS X 0201 Romaji (ESC ( J)
  jis_katakana,  // JIS X 0201 Katakana in G1 (ESC ) I)
  jis_x0208,     // two bytes (ESC $ B)
  jis_x0212,     // two bytes (ESC $ ( D)
  ks_x1001,      // two bytes in G1 (ESC $ ) C)
  gb2312,        // two bytes in G1 (ESC $ ) A)
  iso8859,       // one byte in G1, `iso8859_name` says which part
  none,
};

struct State {
  Set g0 = Set::ascii;
  Set g1 = Set::none;
  const char* iso8859_name = "ISO-8859-1";
};

struct Iso8859Term {
  std::string_view term;       // Defined Term, ISO 2022 form
  std::string_view escape;     // the G1 designation after ESC
  const char* iconv_name;
};

constexpr Iso8859Term kIso8859[] = {
    {"ISO 2022 IR 100", "-A", "ISO-8859-1"}, {"ISO 2022 IR 101", "-B", "ISO-8859-2"},
    {"ISO 2022 IR 109", "-C", "ISO-8859-3"}, {"ISO 2022 IR 110", "-D", "ISO-8859-4"},
    {"ISO 2022 IR 144", "-L", "ISO-8859-5"}, {"ISO 2022 IR 127", "-G", "ISO-8859-6"},
    {"ISO 2022 IR 126", "-F", "ISO-8859-7"}, {"ISO 2022 IR 138", "-H", "ISO-8859-8"},
    {"ISO 2022 IR 148", "-M", "ISO-8859-9"}, {"ISO 2022 IR 203", "-b", "ISO-8859-15"},
    {"ISO 2022 IR 166", "-T", "TIS-620"},
};

/// Converts `bytes` from `from` to UTF-8 with iconv; U+FFFD for what does not convert.
void append_iconv(std::string& out, const char* from, const std::string& bytes) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    out += kReplacement;
    return;
  }
  std::string in = bytes;
  char* in_ptr = in.data();
  std::size_t in_left = in.size();
  std::string buffer(in.size() * 4 + 16, '\0');
  while (in_left > 0) {
    char* out_ptr = buffer.data();
    std::size_t out_left = buffer.size();
    const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    out.append(buffer.data(), buffer.size() - out_left);
    if (rc == static_cast<std::size_t>(-1)) {
      out += kReplacement;  // skip one undecodable byte and go on
      ++in_ptr;
      --in_left;
    }
  }
  iconv_close(cd);
}

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

State initial_state(const std::vector<std::string>& charsets) {
  State s;
  if (charsets.empty()) return s;
  const std::string_view first = charsets.front();
  for (const auto& t : kIso8859) {
    if (first == t.term) {
      s.g1 = Set::iso8859;
      s.iso8859_name = t.iconv_name;
    }
  }
  if (first == "ISO 2022 IR 13") {
    s.g0 = Set::jis_roman;
    s.g1 = Set::jis_katakana;
  }
  return s;
}

/// Applies the escape sequence starting at `value[i]` (an ESC); returns its length, or 1
/// when it is not one we know (the ESC is then dropped).
std::size_t apply_escape(std::string_view value, std::size_t i, State& s) {
  const std::string_view rest = value.substr(i + 1);
  auto starts = [&](std::string_view seq) { return rest.substr(0, seq.size()) == seq; };
  if (starts("(B")) { s.g0 = Set::ascii; return 3; }
  if (starts("(J")) { s.g0 = Set::jis_roman; return 3; }
  if (starts(")I")) { s.g1 = Set::jis_katakana; return 3; }
  if (starts("$B") || starts("$@")) { s.g0 = Set::jis_x0208; return 3; }
  if (starts("$(D")) { s.g0 = Set::jis_x0212; return 4; }
  if (starts("$)C")) { s.g1 = Set::ks_x1001; return 4; }
  if (starts("$)A")) { s.g1 = Set::gb2312; return 4; }
  for (const auto& t : kIso8859) {
    if (starts(t.escape)) {
      s.g1 = Set::iso8859;
      s.iso8859_name = t.iconv_name;
      return 1 + t.escape.size();
    }
  }
  return 1;
}

bool is_delimiter(char c, bool person_name) {
  return c == '\r' || c == '\n' || c == '\t' || c == '\f' || c == '\\' ||
         (person_name && (c == '^' || c == '='));
}

}  // namespace

bool uses_code_extensions(const std::vector<std::string>& charsets) {
  for (const auto& c : charsets) {
    if (c.rfind("ISO 2022", 0) == 0) return true;
  }
  return false;
}

std::string iso2022_to_utf8(std::string_view value, const std::vector<std::string>& charsets,
                            bool person_name) {
  const State initial = initial_state(charsets);
  State s = initial;
  std::string out;
  out.reserve(value.size() * 2);
  std::size_t i = 0;
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == 0x1B) {
      i += apply_escape(value, i, s);
      continue;
    }
    if (c < 0x80) {
      // In a two-byte G0 set every byte from 0x21 belongs to a character: the writer must
      // switch back to ASCII before a delimiter (PS3.5 §6.1.2.5.3), so none is tested here.
      if ((s.g0 == Set::jis_x0208 || s.g0 == Set::jis_x0212) && c >= 0x21 && c < 0x7F &&
          i + 1 < value.size()) {
        // Two-byte JIS in G0: the same code points as EUC-JP with the high bit set.
        std::string euc;
        if (s.g0 == Set::jis_x0212) euc += '\x8F';
        euc += static_cast<char>(c | 0x80);
        euc += static_cast<char>(static_cast<unsigned char>(value[i + 1]) | 0x80);
        append_iconv(out, "EUC-JP", euc);
        i += 2;
      } else if (is_delimiter(static_cast<char>(c), person_name)) {
        s = initial;
        out += static_cast<char>(c);
        ++i;
      } else if (c < 0x20) {
        out += kReplacement;  // control characters have no place in a routed value
        ++i;
      } else if (s.g0 == Set::jis_roman && c == 0x5C) {
        append_code_point(out, 0x00A5);  // YEN SIGN
        ++i;
      } else if (s.g0 == Set::jis_roman && c == 0x7E) {
        append_code_point(out, 0x203E);  // OVERLINE
        ++i;
      } else {
        out += static_cast<char>(c);
        ++i;
      }
      continue;
    }
    // A byte of G1.
    if ((s.g1 == Set::ks_x1001 || s.g1 == Set::gb2312) && i + 1 < value.size()) {
      append_iconv(out, s.g1 == Set::ks_x1001 ? "EUC-KR" : "GB2312", std::string(value.substr(i, 2)));
      i += 2;
    } else if (s.g1 == Set::jis_katakana && c >= 0xA1 && c <= 0xDF) {
      append_code_point(out, 0xFF61 + (c - 0xA1));  // halfwidth katakana
      ++i;
    } else if (s.g1 == Set::iso8859) {
      append_iconv(out, s.iso8859_name, std::string(1, static_cast<char>(c)));
      ++i;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

}  // namespace gw::dicom
