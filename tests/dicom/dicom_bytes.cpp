#include "dicom_bytes.hpp"

#include <zlib.h>

namespace gw::test {

DicomBytes& DicomBytes::u16(std::uint16_t v) {
  if (big_) {
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(v));
  } else {
    bytes_.push_back(static_cast<std::uint8_t>(v));
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  return *this;
}

DicomBytes& DicomBytes::u32(std::uint32_t v) {
  return big_ ? u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v))
              : u16(static_cast<std::uint16_t>(v)).u16(static_cast<std::uint16_t>(v >> 16));
}

DicomBytes& DicomBytes::raw(std::string_view bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

DicomBytes& DicomBytes::raw(const std::vector<std::uint8_t>& bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

DicomBytes& DicomBytes::tag(std::uint16_t group, std::uint16_t element) {
  return u16(group).u16(element);
}

DicomBytes& DicomBytes::element(std::uint16_t group, std::uint16_t elem, std::string_view vr,
                                std::string_view value) {
  std::string padded(value);
  if (padded.size() % 2) padded.push_back(vr == "UI" ? '\0' : ' ');
  tag(group, elem);
  const auto length = static_cast<std::uint32_t>(padded.size());
  if (!explicit_) {
    u32(length);
  } else if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "UC") {
    raw(vr).u16(0).u32(length);
  } else {
    raw(vr).u16(static_cast<std::uint16_t>(length));
  }
  return raw(padded);
}

DicomBytes& DicomBytes::sequence(std::uint16_t group, std::uint16_t elem, std::uint32_t length) {
  tag(group, elem);
  if (explicit_) raw("SQ").u16(0);
  return u32(length);
}

DicomBytes& DicomBytes::item(std::uint32_t length) { return tag(0xFFFE, 0xE000).u32(length); }
DicomBytes& DicomBytes::item_end() { return tag(0xFFFE, 0xE00D).u32(0); }
DicomBytes& DicomBytes::sequence_end() { return tag(0xFFFE, 0xE0DD).u32(0); }

std::vector<std::uint8_t> part10(std::string_view transfer_syntax,
                                 const std::vector<std::uint8_t>& dataset) {
  DicomBytes meta_body;
  meta_body.element(0x0002, 0x0001, "OB", std::string("\0\1", 2))
      .element(0x0002, 0x0002, "UI", kCtImageStorage)
      .element(0x0002, 0x0003, "UI", "1.2.3.4.5")
      .element(0x0002, 0x0010, "UI", transfer_syntax);
  DicomBytes out;
  out.raw(std::string(128, '\0')).raw("DICM");
  out.tag(0x0002, 0x0000).raw("UL").u16(4).u32(static_cast<std::uint32_t>(meta_body.bytes().size()));
  out.raw(meta_body.bytes()).raw(dataset);
  return out.bytes();
}

std::vector<std::uint8_t> nested_sequences(unsigned depth, const std::string& sop_uid,
                                           const std::string& study_uid) {
  DicomBytes d;
  d.element(0x0008, 0x0016, "UI", kCtImageStorage)
      .element(0x0008, 0x0018, "UI", sop_uid)
      .element(0x0020, 0x000D, "UI", study_uid);
  // (0040,0275) Request Attributes Sequence inside itself, `depth` times.
  for (unsigned i = 0; i < depth; ++i) d.sequence(0x0040, 0x0275, 0xFFFFFFFF).item(0xFFFFFFFF);
  for (unsigned i = 0; i < depth; ++i) d.item_end().sequence_end();
  return d.bytes();
}

std::vector<std::uint8_t> nested_defined_sequences(unsigned depth, bool explicit_vr,
                                                   bool big_endian) {
  // Each level is only a sequence header and an item header whose lengths count everything
  // inside, so the levels are written innermost first and joined outermost first: linear in
  // `depth`. Wrapping the content level by level copied it once per level (about 1 GB for
  // 10,000 levels), at every start of dicom_tests: 7 s under ASan, 20 s under TSan, longer
  // than gtest_discover_tests allows for listing the tests.
  std::vector<std::vector<std::uint8_t>> headers;  // innermost first
  std::size_t inside = 0;
  for (unsigned i = 0; i < depth; ++i) {
    DicomBytes level(explicit_vr, big_endian);
    level.sequence(0x0040, 0x0275, static_cast<std::uint32_t>(inside + 8))
        .item(static_cast<std::uint32_t>(inside));
    headers.push_back(level.bytes());
    inside += headers.back().size();
  }
  std::vector<std::uint8_t> content;
  content.reserve(inside);
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    content.insert(content.end(), it->begin(), it->end());
  }
  return content;
}

std::vector<std::uint8_t> deflate_raw(const std::vector<std::uint8_t>& dataset) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<std::uint8_t> out(deflateBound(&z, dataset.size()));
  z.next_in = const_cast<std::uint8_t*>(dataset.data());
  z.avail_in = static_cast<uInt>(dataset.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace gw::test
