// The hostile-input scanner on arbitrary bytes: it must give a verdict for every input, with
// bounded memory and no recursion, and an accepted input must respect the limits.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dataset_scanner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::dicom::ScanLimits limits;
  limits.max_nesting = 8;
  limits.max_elements = 10'000;
  limits.max_inflated_bytes = 1 << 20;
  const auto result = gw::dicom::scan_dicom_bytes(std::span(data, size), limits);
  if (result.ok && (result.deepest > limits.max_nesting || result.elements > limits.max_elements)) std::abort();
  if (!result.ok && result.reason.empty()) std::abort();
  return 0;
}
