#pragma once
// What the DICOM receiver negotiates beyond DCMTK's storage SOP classes (dicom.extra_sop_classes,
// dicom.accept_unknown_sop_classes, dicom.transfer_syntaxes), and the transfer syntaxes it knows by
// name. Plain values: the YAML bridge fills the policy, the listener reads it.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gw {

/// One transfer syntax the receiver can accept. Static data.
struct TransferSyntaxName {
  std::string_view name;         // the dicom.transfer_syntaxes key, e.g. "explicit_little_endian"
  std::string_view uid;
  std::string_view description;  // as PS3.6 names it
};

/// Every transfer syntax the receiver knows, in the built-in preferred order: uncompressed
/// (cheapest to accept), then lossless compression, then lossy. Thread-safe (static data).
std::span<const TransferSyntaxName> known_transfer_syntaxes() noexcept;

/// The entry for a name or a UID of known_transfer_syntaxes(); nullptr when unknown.
const TransferSyntaxName* find_transfer_syntax(std::string_view name_or_uid) noexcept;

/// Immutable once loaded; copied into the listener. Defaults: DCMTK's storage SOP classes only,
/// every known transfer syntax in the built-in order.
struct PresentationPolicy {
  std::vector<std::string> extra_sop_classes;  // accepted as storage, besides DCMTK's (valid UIDs)
  bool accept_unknown_sop_classes = false;     // any SOP class DCMTK has no name for, as storage
  /// The transfer syntax UIDs accepted, most preferred first; empty: known_transfer_syntaxes().
  std::vector<std::string> transfer_syntaxes;
};

}  // namespace gw
