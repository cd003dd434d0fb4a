#pragma once
// A DCMTK C-STORE SCU that proposes exactly the presentation context a test names, for the
// negotiation and transfer syntax tests.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dicom_sender.hpp"

namespace gw::test {

struct ContextResult {
  bool associated = false;
  std::string accepted_syntax;           // the transfer syntax the SCP chose; empty: refused
  std::optional<std::uint16_t> status;   // the C-STORE response, when a file was sent
  std::string error;
};

/// One association proposing one context (`sop_class` in `syntaxes`, in that order); when the
/// context is accepted and `file` is not empty, sends that Part 10 file on it. Thread-safe.
ContextResult propose_and_send(const SendOptions& options, const std::string& sop_class,
                               const std::vector<std::string>& syntaxes,
                               const std::string& file = {});

/// The dataset of a Part 10 file: the bytes after its meta header. Throws when unreadable.
std::string dataset_bytes(const std::string& part10_file);

/// Rewrites `file` (made by write_instance) with another SOP class, meta header included.
void set_sop_class(const std::string& file, const std::string& sop_class);

}  // namespace gw::test
