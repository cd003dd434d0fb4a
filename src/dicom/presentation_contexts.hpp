#pragma once
// What the receiver accepts: every storage SOP class DCMTK knows, in the transfer
// syntaxes below, stored as sent (never transcoded).
#include <dcmtk/dcmnet/assoc.h>

namespace gw::dicom {

/// Accepts, in `params`, every proposed context for Verification or a storage SOP class in
/// a transfer syntax we take, choosing our preferred syntax where several are proposed.
/// DCMTK's profile-based negotiation holds at most 128 contexts, fewer than its storage
/// SOP classes, so the acceptor negotiates with ASC_acceptContexts… as storescp does.
OFCondition accept_storage_contexts(T_ASC_Parameters* params);

}  // namespace gw::dicom
