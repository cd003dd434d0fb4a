#include "gateway/domain/presentation_policy.hpp"

#include <array>

namespace gw {
namespace {

// The UIDs are PS3.6's; presentation_contexts_test checks each against DCMTK's dcuid.h.
constexpr std::array<TransferSyntaxName, 19> kKnown{{
    {"explicit_little_endian", "1.2.840.10008.1.2.1", "Explicit VR Little Endian"},
    {"implicit_little_endian", "1.2.840.10008.1.2", "Implicit VR Little Endian"},
    {"explicit_big_endian", "1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"},
    {"deflated", "1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"},
    {"jpeg_lossless_sv1", "1.2.840.10008.1.2.4.70",
     "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)"},
    {"jpeg_lossless", "1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"},
    {"jpeg_ls_lossless", "1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"},
    {"jpeg2000_lossless", "1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)"},
    {"rle", "1.2.840.10008.1.2.5", "RLE Lossless"},
    {"jpeg_baseline", "1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"},
    {"jpeg_extended", "1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"},
    {"jpeg_ls_near_lossless", "1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"},
    {"jpeg2000", "1.2.840.10008.1.2.4.91", "JPEG 2000"},
    {"mpeg2_main", "1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"},
    {"mpeg2_high", "1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"},
    {"mpeg4_high_4_1", "1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"},
    {"mpeg4_bd_high_4_1", "1.2.840.10008.1.2.4.103",
     "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"},
    {"hevc_main_5_1", "1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"},
    {"hevc_main10_5_1", "1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"},
}};

}  // namespace

std::span<const TransferSyntaxName> known_transfer_syntaxes() noexcept { return kKnown; }

const TransferSyntaxName* find_transfer_syntax(std::string_view name_or_uid) noexcept {
  for (const auto& ts : kKnown) {
    if (ts.name == name_or_uid || ts.uid == name_or_uid) return &ts;
  }
  return nullptr;
}

}  // namespace gw
