#pragma once
// A C-STORE sender that puts the dataset's bytes on the wire as they are, never parsing them:
// DCMTK's own SCU would parse (and recurse into) a hostile dataset before sending it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::test {

struct RawStoreResult {
  std::optional<std::uint16_t> status;  // the C-STORE response's status; nullopt: no answer
  std::string error_comment;            // (0000,0902) when the response carried one
  std::string error;                    // why there was no answer
};

/// One association with one presentation context (`sop_class`, `transfer_syntax`), one
/// C-STORE of `dataset` (bytes in that syntax, no meta header), then release. Thread-safe.
RawStoreResult send_raw_store(std::uint16_t port, const std::string& sop_class,
                              const std::string& sop_instance, const std::string& transfer_syntax,
                              const std::vector<std::uint8_t>& dataset);

}  // namespace gw::test
