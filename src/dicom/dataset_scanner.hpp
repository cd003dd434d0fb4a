#pragma once
// A bounded, iterative walk over a received DICOM file before any recursive parser (DCMTK's)
// sees it: nesting bombs, element floods and lengths past the end are refused here (#8).
// No DCMTK header: the scanner reads bytes, so it can be fuzzed and tested on its own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace gw::dicom {

/// What an implicit-VR element is, by its tag, when the scanner cannot tell from the bytes.
enum class TagKind { unknown, sequence, other };

struct ScanLimits {
  unsigned max_nesting = 32;                 // sequences (and encapsulated pixel data) inside each other
  std::uint64_t max_elements = 1'000'000;    // data elements plus items, meta header included
  std::uint64_t max_inflated_bytes = 4ull << 30;  // deflated transfer syntax: bytes after inflation
  /// Dictionary for implicit VR (tag = group << 16 | element). Null: a defined-length value is
  /// walked as a sequence when it starts with an item tag (never for Pixel Data).
  std::function<TagKind(std::uint32_t tag)> dictionary;
  /// Top-level elements whose values the result keeps (`ScanResult::kept`), each up to
  /// kMaxKeptValue bytes: the receiver takes an instance's UIDs from the walk it has to make
  /// anyway, instead of parsing the file a second time (#21).
  std::span<const std::uint32_t> keep;
};

/// Longer values of a kept tag are skipped like any other (no UID or code string is this long).
constexpr std::uint32_t kMaxKeptValue = 1024;

/// The verdict. `reason` names tags, offsets and limits only, never a value (no patient data).
struct ScanResult {
  bool ok = false;
  std::string reason;            // empty when ok
  std::uint64_t elements = 0;    // counted so far
  unsigned deepest = 0;          // deepest nesting seen
  std::string transfer_syntax;   // from the meta header; empty when there was none
  /// The values of `ScanLimits::keep`'s tags found at the top level, in file order, as stored
  /// (padding included). Only meaningful when ok.
  std::vector<std::pair<std::uint32_t, std::string>> kept;
};

/// Scans a Part 10 file (preamble, "DICM", group 0002 in explicit VR little endian, then the
/// dataset in the meta header's transfer syntax), or a bare dataset (syntax detected). Reads
/// in 64 KiB chunks and seeks over values, so a multi-GB file costs a few reads. Deflated
/// datasets are inflated on the fly (zlib) and scanned. Pure function of its input;
/// thread-safe; never throws for any input (std::bad_alloc aside).
ScanResult scan_dicom_file(const std::filesystem::path& file, const ScanLimits& limits);
/// The same for bytes in memory (tests, fuzzing).
ScanResult scan_dicom_bytes(std::span<const std::uint8_t> bytes, const ScanLimits& limits);

}  // namespace gw::dicom
