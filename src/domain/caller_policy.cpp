#include "gateway/domain/caller_policy.hpp"

namespace gw {

AdmissionDecision admit(const CallerPolicy& policy, std::string_view own_ae_title,
                        const AssociationRequest& request, unsigned open_for_caller) {
  if (policy.check_called_ae && request.called_ae != own_ae_title) {
    return {AssociationRefusal::called_ae_not_recognized, false};
  }
  if (policy.allowed_callers.empty()) return {};
  // Checked after the called AE: an echo addressed to another AE title is still a mistake.
  if (policy.always_allow_echo && request.verification_only) return {};

  bool listed = false;
  for (const AllowedCaller& caller : policy.allowed_callers) {
    if (caller.ae_title != request.calling_ae) continue;
    listed = true;
    if (caller.network && !caller.network->contains(request.peer_address)) continue;
    if (caller.max_associations != 0 && open_for_caller >= caller.max_associations) {
      return {AssociationRefusal::caller_limit, false};
    }
    return {AssociationRefusal::none, true};
  }
  return {listed ? AssociationRefusal::calling_host_not_allowed
                 : AssociationRefusal::calling_ae_not_recognized,
          false};
}

std::string_view to_string(AssociationRefusal refusal) noexcept {
  switch (refusal) {
    case AssociationRefusal::none: return "none";
    case AssociationRefusal::called_ae_not_recognized: return "called_ae_not_recognized";
    case AssociationRefusal::calling_ae_not_recognized: return "calling_ae_not_recognized";
    case AssociationRefusal::calling_host_not_allowed: return "calling_host_not_allowed";
    case AssociationRefusal::caller_limit: return "caller_limit";
  }
  return "unknown";
}

}  // namespace gw
