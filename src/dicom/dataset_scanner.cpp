#include "dataset_scanner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "scanner_input.hpp"

namespace gw::dicom {
namespace {

using scan_input::FileSource;
using scan_input::InflateSource;
using scan_input::MemorySource;
using scan_input::Reader;
using scan_input::Source;

constexpr std::uint32_t kUndefined = 0xFFFFFFFFu;
constexpr std::uint32_t kItem = 0xFFFEE000u;
constexpr std::uint32_t kItemDelimiter = 0xFFFEE00Du;
constexpr std::uint32_t kSequenceDelimiter = 0xFFFEE0DDu;
constexpr std::uint32_t kPixelData = 0x7FE00010u;
constexpr std::uint64_t kNoEnd = ~std::uint64_t{0};

// ---- the walk ----

struct Syntax {
  bool explicit_vr = true;
  bool big_endian = false;
};

enum class Kind { dataset, item, sequence, fragments };

struct Frame {
  Kind kind;
  std::uint64_t end;  // absolute offset where it ends; kNoEnd: undefined length (delimited)
  Syntax syntax;
  std::uint32_t tag;  // of the sequence that opened it (for reasons)
};

std::string hex_tag(std::uint32_t tag) {
  char text[16];
  std::snprintf(text, sizeof text, "(%04X,%04X)", tag >> 16, tag & 0xFFFFu);
  return text;
}

std::uint16_t u16(const std::uint8_t* p, bool big) {
  return big ? static_cast<std::uint16_t>(p[0] << 8 | p[1]) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

std::uint32_t u32(const std::uint8_t* p, bool big) {
  return big ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3])
             : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]);
}

std::uint32_t tag_of(const std::uint8_t* p, bool big) {
  return std::uint32_t{u16(p, big)} << 16 | u16(p + 2, big);
}

enum class VrForm { short_length, long_length, invalid };

/// PS3.5 Table 7.1-1 and 7.1-2: which explicit VRs carry a 4-byte length.
VrForm vr_form(char a, char b) {
  static constexpr std::string_view kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS",
                                               "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
  static constexpr std::string_view kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                              "SV", "UC", "UN", "UR", "UT", "UV"};
  const char vr[2] = {a, b};
  const std::string_view v(vr, 2);
  for (const auto s : kShort) if (s == v) return VrForm::short_length;
  for (const auto s : kLong) if (s == v) return VrForm::long_length;
  return VrForm::invalid;
}

class Walker {
 public:
  Walker(Reader& reader, const ScanLimits& limits, ScanResult& result)
      : r_(reader), limits_(limits), result_(result) {}

  /// Walks the dataset from the reader's position to its end. False: result_.reason says why.
  bool walk(Syntax syntax) {
    stack_.clear();
    stack_.push_back({Kind::dataset, kNoEnd, syntax, 0});
    for (;;) {
      const Frame frame = stack_.back();
      const std::uint64_t pos = r_.position();
      if (frame.end != kNoEnd && pos == frame.end) {  // a defined-length item or sequence ends
        pop();
        continue;
      }
      if (r_.at_end()) {
        if (!r_.error().empty()) return refuse(r_.error());
        if (frame.kind == Kind::dataset) return true;
        return refuse("the data ends inside " + std::string(frame.kind == Kind::item ? "an item of " : "") +
                      "sequence " + hex_tag(frame.tag) + " at nesting " + std::to_string(depth_));
      }
      const bool ok = (frame.kind == Kind::sequence || frame.kind == Kind::fragments)
                          ? step_in_sequence(frame)
                          : step_in_item(frame);
      if (!ok) return false;
    }
  }

  /// Reads group 0002 (explicit VR little endian) and returns the transfer syntax UID.
  bool walk_meta(std::string& transfer_syntax) {
    for (;;) {
      std::uint8_t head[8];
      if (!r_.peek(head, 2) || u16(head, false) != 0x0002) return true;
      if (!r_.read(head, 8)) return refuse(truncated("meta header element"));
      const std::uint32_t tag = tag_of(head, false);
      if (!count()) return false;
      std::uint64_t length = 0;
      switch (vr_form(static_cast<char>(head[4]), static_cast<char>(head[5]))) {
        case VrForm::invalid: return refuse("invalid VR in meta header element " + hex_tag(tag));
        case VrForm::short_length: length = u16(head + 6, false); break;
        case VrForm::long_length: {
          std::uint8_t len[4];
          if (!r_.read(len, 4)) return refuse(truncated("meta header element"));
          length = u32(len, false);
          if (length == kUndefined) return refuse("undefined length in meta header element " + hex_tag(tag));
          break;
        }
      }
      if (!fits(length, tag)) return false;
      if (tag == 0x00020010u) {
        if (length > 64) return refuse("transfer syntax UID longer than 64 characters");
        std::uint8_t uid[64];
        if (!r_.read(uid, static_cast<std::size_t>(length))) return refuse(truncated("transfer syntax"));
        transfer_syntax.assign(reinterpret_cast<const char*>(uid), static_cast<std::size_t>(length));
        while (!transfer_syntax.empty() && (transfer_syntax.back() == '\0' || transfer_syntax.back() == ' ')) {
          transfer_syntax.pop_back();
        }
      } else if (!r_.skip(length)) {
        return refuse(beyond_end(tag, length));
      }
    }
  }

  bool refuse(std::string reason) {
    if (result_.reason.empty()) result_.reason = std::move(reason);
    return false;
  }

 private:
  // Inside a sequence only items and the sequence delimiter may follow (PS3.5 §7.5).
  bool step_in_sequence(const Frame& frame) {
    std::uint8_t head[8];
    if (!header_fits(8) || !r_.read(head, 8)) return refuse(truncated("item header"));
    const std::uint32_t tag = tag_of(head, frame.syntax.big_endian);
    const std::uint32_t length = u32(head + 4, frame.syntax.big_endian);
    if (tag == kSequenceDelimiter) {
      if (frame.end != kNoEnd) {
        return refuse("sequence delimiter inside defined-length sequence " + hex_tag(frame.tag));
      }
      pop();
      return true;
    }
    if (tag != kItem) {
      return refuse("element " + hex_tag(tag) + " where an item of " + hex_tag(frame.tag) +
                    " was expected, at offset " + std::to_string(r_.position() - 8));
    }
    if (!count()) return false;
    if (frame.kind == Kind::fragments) {
      if (length == kUndefined) return refuse("undefined-length fragment in " + hex_tag(frame.tag));
      if (!fits(length, frame.tag)) return false;
      return r_.skip(length) || refuse(beyond_end(frame.tag, length));
    }
    if (length == kUndefined) {
      stack_.push_back({Kind::item, kNoEnd, frame.syntax, frame.tag});
      return true;
    }
    if (!fits(length, frame.tag)) return false;
    stack_.push_back({Kind::item, r_.position() + length, frame.syntax, frame.tag});
    return true;
  }

  bool step_in_item(const Frame& frame) {
    const Syntax& s = frame.syntax;
    std::uint8_t head[12];
    if (!header_fits(8) || !r_.read(head, 8)) return refuse(truncated("element header"));
    const std::uint32_t tag = tag_of(head, s.big_endian);
    if (tag >> 16 == 0xFFFE) {
      if (tag == kItemDelimiter && frame.kind == Kind::item && frame.end == kNoEnd) {
        pop();
        return true;
      }
      return refuse("unexpected " + hex_tag(tag) + " at offset " + std::to_string(r_.position() - 8));
    }
    if (!count()) return false;

    std::uint32_t length = 0;
    VrForm form = VrForm::long_length;
    std::string_view vr;
    if (s.explicit_vr) {
      form = vr_form(static_cast<char>(head[4]), static_cast<char>(head[5]));
      if (form == VrForm::invalid) {
        return refuse("invalid VR in element " + hex_tag(tag) + " at offset " + std::to_string(r_.position() - 8));
      }
      vr = std::string_view(reinterpret_cast<const char*>(head + 4), 2);
      if (form == VrForm::short_length) {
        length = u16(head + 6, s.big_endian);
      } else {
        if (!header_fits(4) || !r_.read(head + 8, 4)) return refuse(truncated("element header"));
        length = u32(head + 8, s.big_endian);
      }
    } else {
      length = u32(head + 4, s.big_endian);
    }

    if (length == kUndefined) {
      // Undefined length: a sequence, or encapsulated pixel data (PS3.5 §7.5, A.4); UN holds
      // implicit VR little endian items (CP-246).
      if (s.explicit_vr && vr == "SQ") return open(Kind::sequence, kNoEnd, s, tag);
      if (s.explicit_vr && vr == "UN") return open(Kind::sequence, kNoEnd, Syntax{false, false}, tag);
      if (tag == kPixelData && (!s.explicit_vr || vr == "OB" || vr == "OW")) {
        return open(Kind::fragments, kNoEnd, s, tag);
      }
      if (!s.explicit_vr) return open(Kind::sequence, kNoEnd, s, tag);
      return refuse("undefined length on " + std::string(vr) + " element " + hex_tag(tag));
    }
    if (!fits(length, tag)) return false;
    // A kept value is read, not walked: never a sequence's (SQ, or UN that may hold items).
    if (frame.kind == Kind::dataset && length <= kMaxKeptValue && !(s.explicit_vr && (vr == "SQ" || vr == "UN")) &&
        wanted(tag)) {
      return keep(tag, length);
    }
    const std::uint64_t end = r_.position() + length;
    if (s.explicit_vr && vr == "SQ") return open(Kind::sequence, end, s, tag);
    if ((!s.explicit_vr || vr == "UN") && length >= 8 && tag != kPixelData) {
      const TagKind kind = limits_.dictionary ? limits_.dictionary(tag) : TagKind::unknown;
      const Syntax inner = s.explicit_vr ? Syntax{false, false} : s;
      if (kind == TagKind::sequence) return open(Kind::sequence, end, inner, tag);
      std::uint8_t first[4];
      if (kind == TagKind::unknown && r_.peek(first, 4) && tag_of(first, inner.big_endian) == kItem) {
        return open(Kind::sequence, end, inner, tag);
      }
    }
    return r_.skip(length) || refuse(beyond_end(tag, length));
  }

  bool wanted(std::uint32_t tag) const {
    return std::find(limits_.keep.begin(), limits_.keep.end(), tag) != limits_.keep.end();
  }

  bool keep(std::uint32_t tag, std::uint32_t length) {
    std::string value(length, '\0');
    if (!r_.read(reinterpret_cast<std::uint8_t*>(value.data()), length)) return refuse(beyond_end(tag, length));
    result_.kept.emplace_back(tag, std::move(value));
    return true;
  }

  bool open(Kind kind, std::uint64_t end, Syntax syntax, std::uint32_t tag) {
    if (depth_ + 1 > limits_.max_nesting) {
      return refuse("sequences nested deeper than " + std::to_string(limits_.max_nesting) + " (at " +
                    hex_tag(tag) + ", offset " + std::to_string(r_.position()) + ")");
    }
    ++depth_;
    result_.deepest = std::max(result_.deepest, depth_);
    stack_.push_back({kind, end, syntax, tag});
    return true;
  }

  void pop() {
    if (stack_.back().kind == Kind::sequence || stack_.back().kind == Kind::fragments) --depth_;
    stack_.pop_back();
  }

  bool count() {
    if (++result_.elements > limits_.max_elements) {
      return refuse("more than " + std::to_string(limits_.max_elements) + " elements");
    }
    return true;
  }

  /// A value of `length` bytes starting here must end within its parent and within the data.
  bool fits(std::uint64_t length, std::uint32_t tag) {
    const std::uint64_t pos = r_.position();
    const std::uint64_t parent_end = nearest_end();
    if (parent_end != kNoEnd && length > parent_end - pos) {
      return refuse("length " + std::to_string(length) + " of " + hex_tag(tag) + " at offset " +
                    std::to_string(pos) + " crosses the end of its item or sequence");
    }
    const auto rest = r_.remaining();
    if (rest && length > *rest) return refuse(beyond_end(tag, length));
    return true;
  }

  /// Where the innermost defined-length item or sequence ends (kNoEnd: none does).
  std::uint64_t nearest_end() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->end != kNoEnd) return it->end;
    }
    return kNoEnd;
  }

  bool header_fits(std::uint64_t size) const {
    const std::uint64_t end = nearest_end();
    return end == kNoEnd || size <= end - r_.position();
  }

  std::string beyond_end(std::uint32_t tag, std::uint64_t length) const {
    if (!r_.error().empty()) return r_.error();
    return "length " + std::to_string(length) + " of " + hex_tag(tag) + " at offset " +
           std::to_string(r_.position()) + " runs past the end of the data";
  }

  std::string truncated(const char* what) const {
    if (!r_.error().empty()) return r_.error();
    return std::string("truncated ") + what + " at offset " + std::to_string(r_.position());
  }

  Reader& r_;
  const ScanLimits& limits_;
  ScanResult& result_;
  std::vector<Frame> stack_;  // bounded: at most 2 * max_nesting + 1 frames
  unsigned depth_ = 0;
};

constexpr std::string_view kImplicitLittle = "1.2.840.10008.1.2";
constexpr std::string_view kExplicitBig = "1.2.840.10008.1.2.2";
constexpr std::string_view kDeflated = "1.2.840.10008.1.2.1.99";

/// A bare dataset (no meta header): explicit when a valid VR follows the first tag; big
/// endian when the first group reads smaller that way (DCMTK guesses the same way).
Syntax detect_syntax(Reader& r) {
  std::uint8_t head[6];
  if (!r.peek(head, 6)) return {false, false};
  const bool explicit_vr = vr_form(static_cast<char>(head[4]), static_cast<char>(head[5])) != VrForm::invalid;
  const bool big_endian = explicit_vr && u16(head, true) < u16(head, false);
  return {explicit_vr, big_endian};
}

ScanResult scan(Source& source, const ScanLimits& limits) {
  ScanResult result;
  Reader reader(source);
  Walker walker(reader, limits, result);
  if (!source.error().empty()) {
    walker.refuse(source.error());
    return result;
  }

  // Part 10: 128-byte preamble and "DICM"; some writers omit the preamble (DCMTK accepts both).
  std::uint8_t start[132];
  bool has_meta = false;
  if (reader.peek(start, 132) && std::memcmp(start + 128, "DICM", 4) == 0) {
    reader.skip(132);
    has_meta = true;
  } else if (reader.peek(start, 4) && std::memcmp(start, "DICM", 4) == 0) {
    reader.skip(4);
    has_meta = true;
  } else if (reader.peek(start, 2) && u16(start, false) == 0x0002) {
    has_meta = true;
  }

  Syntax syntax;
  if (has_meta) {
    if (!walker.walk_meta(result.transfer_syntax)) return result;
    if (result.transfer_syntax == kImplicitLittle) syntax = {false, false};
    else if (result.transfer_syntax == kExplicitBig) syntax = {true, true};
    else if (result.transfer_syntax.empty()) syntax = detect_syntax(reader);
    else syntax = {true, false};  // explicit little endian and every compressed syntax
  } else {
    syntax = detect_syntax(reader);
  }

  if (result.transfer_syntax == kDeflated) {
    InflateSource inflated(reader, limits.max_inflated_bytes);
    Reader inner(inflated);
    Walker inner_walker(inner, limits, result);
    result.ok = inner_walker.walk(syntax);
    return result;
  }
  result.ok = walker.walk(syntax);
  return result;
}

}  // namespace

ScanResult scan_dicom_file(const std::filesystem::path& file, const ScanLimits& limits) {
  FileSource source(file);
  return scan(source, limits);
}

ScanResult scan_dicom_bytes(std::span<const std::uint8_t> bytes, const ScanLimits& limits) {
  MemorySource source(bytes);
  return scan(source, limits);
}

}  // namespace gw::dicom
