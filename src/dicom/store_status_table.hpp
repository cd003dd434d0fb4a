#pragma once
#include <dcmtk/config/osconfig.h>
#include <dcmtk/ofstd/oftypes.h>

#include "gateway/dicom/instance_sink.hpp"

namespace gw::dicom {

/// The DIMSE status sent for each StoreStatus (PS3.4 Annex B.2.3): the one table.
Uint16 dimse_status(StoreStatus status) noexcept;

}  // namespace gw::dicom
