#include "pdu_bytes.hpp"

#include "dicom_bytes.hpp"

namespace gw::test {

Bytes pdu(std::uint8_t type, const Bytes& body) {
  DicomBytes b(true, true);  // PDUs are big endian
  b.raw(std::string{static_cast<char>(type), '\0'})
      .u32(static_cast<std::uint32_t>(body.size()))
      .raw(body);
  return b.bytes();
}

Bytes item(std::uint8_t type, std::string_view value) {
  DicomBytes b(true, true);
  b.raw(std::string{static_cast<char>(type), '\0'})
      .u16(static_cast<std::uint16_t>(value.size()))
      .raw(value);
  return b.bytes();
}

Bytes item(std::uint8_t type, const Bytes& value) {
  return item(type, std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
}

std::string ae(std::string_view title) {
  std::string padded(title);
  padded.resize(16, ' ');
  return padded;
}

Bytes presentation_context(std::uint8_t id, std::string_view abstract_syntax,
                           const std::vector<std::string>& transfer_syntaxes) {
  DicomBytes context(true, true);
  context.raw(std::string{static_cast<char>(id), '\0', '\0', '\0'})
      .raw(item(0x30, abstract_syntax));
  for (const auto& syntax : transfer_syntaxes) context.raw(item(0x40, syntax));
  return item(0x20, context.bytes());
}

Bytes associate_rq(const std::vector<Bytes>& contexts) {
  DicomBytes max_length(true, true);
  max_length.u32(16384);
  DicomBytes user(true, true);
  user.raw(item(0x51, max_length.bytes()));
  DicomBytes body(true, true);
  body.u16(1).u16(0).raw(ae("AVARA_GW")).raw(ae("TEST_SCU")).raw(std::string(32, '\0'))
      .raw(item(0x10, "1.2.840.10008.3.1.1.1"));
  if (contexts.empty()) {
    body.raw(presentation_context(1, kCtImageStorage, {std::string(kExplicitLittle)}));
  }
  for (const auto& context : contexts) body.raw(context);
  body.raw(item(0x50, user.bytes()));
  return pdu(0x01, body.bytes());
}

}  // namespace gw::test
