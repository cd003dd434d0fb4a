#pragma once
// What the receiver accepts: every storage SOP class DCMTK knows plus the configured extras (or,
// when allowed, any SOP class DCMTK has no name for), in the configured transfer syntaxes, stored
// as sent (never transcoded).
#include <dcmtk/dcmnet/assoc.h>

#include <string>
#include <vector>

#include "gateway/domain/presentation_policy.hpp"

namespace gw::dicom {

/// The storage SOP class UIDs accepted by name: DCMTK's dcmAllStorageSOPClassUIDs, then the
/// policy's extras not already among them. The conformance statement lists exactly these.
std::vector<std::string> accepted_storage_sop_classes(const PresentationPolicy& policy);

/// The transfer syntax UIDs accepted for storage, most preferred first.
std::vector<std::string> accepted_transfer_syntaxes(const PresentationPolicy& policy);

/// The transfer syntaxes accepted for Verification, most preferred first.
std::vector<std::string> verification_transfer_syntaxes();

/// Accepts, in `params`, every proposed context for Verification or an accepted storage SOP
/// class in a transfer syntax we take, choosing the most preferred one the sender proposed;
/// refuses the others. Walks the contexts itself (as storescp's --promiscuous mode does for
/// unknown SOP classes), since DCMTK's profile-based negotiation holds at most 128 contexts.
/// With `storage_commitment`, the Storage Commitment Push Model SOP class is accepted too, in
/// the Verification transfer syntaxes and the requester's default (SCU) role.
/// Called on an association worker thread; `policy` is read only.
OFCondition accept_storage_contexts(T_ASC_Parameters* params, const PresentationPolicy& policy,
                                    bool storage_commitment = false);

}  // namespace gw::dicom
