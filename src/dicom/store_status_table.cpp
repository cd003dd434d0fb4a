#include "store_status_table.hpp"

namespace gw::dicom {

Uint16 dimse_status(StoreStatus status) noexcept {
  switch (status) {
    case StoreStatus::stored: return 0x0000;              // Success
    case StoreStatus::invalid_attribute: return 0xC000;   // Error: Cannot understand
    case StoreStatus::unreadable_dataset: return 0xC100;  // Error: Cannot understand
    case StoreStatus::beyond_limits: return 0xC200;       // Error: Cannot understand
    case StoreStatus::out_of_resources: return 0xA700;    // Refused: Out of resources
    case StoreStatus::processing_failure: return 0x0110;  // Processing failure
  }
  return 0x0110;
}

}  // namespace gw::dicom
