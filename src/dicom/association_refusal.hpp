#pragma once
// How the listener answers and logs an association it refuses; internal to the
// listener.
#include <dcmtk/dcmnet/assoc.h>

#include <string>
#include <string_view>

#include "gateway/domain/caller_policy.hpp"

namespace gw::dicom {

/// One warning line: `event` with the caller's AE title and address and the reason (no patient
/// data reaches an association's negotiation).
void log_rejection(const char* event, const std::string& calling_ae, const std::string& peer,
                   std::string_view reason);

/// True when every presentation context proposed is Verification: a C-ECHO-only caller.
bool proposes_only_verification(T_ASC_Parameters* params);

/// The A-ASSOCIATE-RJ for each refusal (PS3.8 9.3.4).
T_ASC_RejectParameters reject_parameters(AssociationRefusal refusal);

}  // namespace gw::dicom
