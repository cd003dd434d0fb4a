#pragma once
// What the receiver accepts: every storage SOP class DCMTK knows, in the transfer
// syntaxes below, stored as sent (never transcoded).
#include <dcmtk/dcmnet/scpcfg.h>

namespace gw::dicom {

/// Adds one presentation context per storage SOP class (plus Verification) to `config`.
OFCondition add_storage_contexts(DcmSCPConfig& config);

}  // namespace gw::dicom
