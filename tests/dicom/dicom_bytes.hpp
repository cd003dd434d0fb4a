#pragma once
// Hand-built DICOM byte streams for the hostile-input tests and the fuzz seeds: each malformed
// case is a few lines, so a reader sees exactly which bytes are wrong.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::test {

/// An encoder for one transfer syntax. Not thread-safe; one per buffer.
class DicomBytes {
 public:
  explicit DicomBytes(bool explicit_vr = true, bool big_endian = false)
      : explicit_(explicit_vr), big_(big_endian) {}

  DicomBytes& u16(std::uint16_t v);
  DicomBytes& u32(std::uint32_t v);
  DicomBytes& raw(std::string_view bytes);
  DicomBytes& raw(const std::vector<std::uint8_t>& bytes);
  DicomBytes& tag(std::uint16_t group, std::uint16_t element);
  /// A whole element; the value is padded to even length (UI with NUL, others with space).
  DicomBytes& element(std::uint16_t group, std::uint16_t element, std::string_view vr,
                      std::string_view value);
  /// A sequence header: explicit "SQ" (or implicit) with `length` (0xFFFFFFFF: undefined).
  DicomBytes& sequence(std::uint16_t group, std::uint16_t element, std::uint32_t length);
  DicomBytes& item(std::uint32_t length);
  DicomBytes& item_end();
  DicomBytes& sequence_end();

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  bool explicit_;
  bool big_;
  std::vector<std::uint8_t> bytes_;
};

/// Preamble, "DICM" and a meta header naming `transfer_syntax`, followed by `dataset`.
std::vector<std::uint8_t> part10(std::string_view transfer_syntax,
                                 const std::vector<std::uint8_t>& dataset);

/// SOP class, SOP instance and study UIDs, then `depth` sequences nested inside each other,
/// all of undefined length (explicit VR little endian): the "nesting bomb".
std::vector<std::uint8_t> nested_sequences(unsigned depth, const std::string& sop_uid,
                                           const std::string& study_uid);

/// The same depth with defined lengths, built from the inside out.
std::vector<std::uint8_t> nested_defined_sequences(unsigned depth, bool explicit_vr = true,
                                                   bool big_endian = false);

/// `dataset` compressed as the Deflated Explicit VR Little Endian syntax stores it (raw
/// deflate, RFC 1951, no zlib header).
std::vector<std::uint8_t> deflate_raw(const std::vector<std::uint8_t>& dataset);

inline constexpr std::string_view kExplicitLittle = "1.2.840.10008.1.2.1";
inline constexpr std::string_view kImplicitLittle = "1.2.840.10008.1.2";
inline constexpr std::string_view kExplicitBig = "1.2.840.10008.1.2.2";
inline constexpr std::string_view kDeflated = "1.2.840.10008.1.2.1.99";
inline constexpr std::string_view kCtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

}  // namespace gw::test
