#pragma once
// Upper-layer PDUs built byte by byte (PS3.8 §9.3), for raw peers: each malformed case is a
// few lines, so a reader sees exactly which bytes are wrong.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::test {

using Bytes = std::vector<std::uint8_t>;

/// A PDU: `type`, a reserved byte, the 32-bit big-endian length of `body`, then `body`.
Bytes pdu(std::uint8_t type, const Bytes& body);
/// An item (or sub-item): `type`, a reserved byte, a 16-bit length, `value`.
Bytes item(std::uint8_t type, std::string_view value);
Bytes item(std::uint8_t type, const Bytes& value);
/// An AE title padded to 16 characters.
std::string ae(std::string_view title);
/// A presentation context item (0x20) proposing `abstract_syntax` in `transfer_syntaxes`.
Bytes presentation_context(std::uint8_t id, std::string_view abstract_syntax,
                           const std::vector<std::string>& transfer_syntaxes);
/// An A-ASSOCIATE-RQ from TEST_SCU to AVARA_GW proposing `contexts` (presentation context
/// items), or CT Image Storage in explicit VR little endian as context 1 when empty.
Bytes associate_rq(const std::vector<Bytes>& contexts = {});

}  // namespace gw::test
