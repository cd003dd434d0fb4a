#pragma once
// The one bridge between Storage Commitment datasets (PS3.4 J.3.2, J.3.3) and domain values.
#include <dcmtk/dcmdata/dcdatset.h>

#include "gateway/domain/storage_commitment.hpp"

namespace gw::dicom {

/// The Transaction UID and the Referenced SOP Sequence of an N-ACTION-RQ's dataset (null: none).
/// Padding is trimmed; nothing is validated (domain::check_commitment_request does).
domain::CommitmentRequest commitment_from_dataset(DcmDataset* dataset);

/// The Event Information of the N-EVENT-REPORT-RQ for a resolved commitment: the Transaction
/// UID, the Referenced SOP Sequence of committed items and, when any failed, the Failed SOP
/// Sequence with a Failure Reason each.
void fill_event_information(const domain::CommitmentRequest& resolved, DcmDataset& out);

}  // namespace gw::dicom
