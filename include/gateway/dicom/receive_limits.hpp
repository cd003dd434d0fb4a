#pragma once
// Bounds on what one C-STORE may deliver, checked before DCMTK parses the dataset (#8).
#include <cstdint>

namespace gw::dicom {

/// dicom.limits: hostile-input bounds on one received dataset (reliability.md), with their only
/// defaults; config::DicomSettings holds them. Value type.
struct DatasetLimits {
  unsigned max_nesting = 32;                    // sequences inside sequences
  std::uint64_t max_elements = 1'000'000;       // data elements and items in one dataset
  std::uint64_t max_dataset_bytes = 4ull << 30;  // the received file (and a deflated dataset inflated)

  bool operator==(const DatasetLimits&) const = default;
};

/// Plain values, copied into each association worker.
struct ReceiveLimits : DatasetLimits {
  // The spool's reserve: with less free space, a C-STORE is answered 0xA700 (out of resources)
  // without writing it, so the disk never fills mid-dataset (DCMTK ignores write errors).
  // storage.min_free_bytes takes its default from here.
  std::uint64_t min_free_bytes = 64ull << 20;
};

}  // namespace gw::dicom
