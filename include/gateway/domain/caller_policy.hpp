#pragma once
// Who may open a DICOM association with the gateway (dicom.allowed_callers and friends), and the
// decision for one request. Plain values: the DICOM listener asks, the YAML bridge fills it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/cidr_block.hpp"

namespace gw {

/// One entry of dicom.allowed_callers. Value type.
struct AllowedCaller {
  std::string ae_title;
  std::string host;                // as written ("10.1.2.0/24", "10.1.2.3"); empty: any address
  std::optional<CidrBlock> network;  // parsed `host`; nullopt when `host` is empty
  unsigned max_associations = 0;   // open at once for this calling AE; 0: only the global limit
};

/// The reloadable association policy. Immutable once built; shared by pointer across threads.
struct CallerPolicy {
  bool check_called_ae = true;           // refuse a called AE title other than ours
  bool always_allow_echo = true;         // a Verification-only association skips allowed_callers
  std::vector<AllowedCaller> allowed_callers;  // empty: any caller
};

/// What the listener knows of an A-ASSOCIATE-RQ. Value type.
struct AssociationRequest {
  std::string called_ae;     // trimmed
  std::string calling_ae;    // trimmed
  std::string peer_address;  // numeric, no port
  bool verification_only = false;  // every proposed context is the Verification SOP class
};

enum class AssociationRefusal {
  none,
  called_ae_not_recognized,   // permanent, service user: called AE title not recognized
  calling_ae_not_recognized,  // permanent, service user: calling AE title not recognized
  calling_host_not_allowed,   // listed AE from an unlisted address; answered as the one above
  caller_limit,               // transient, service provider: local limit exceeded
};

struct AdmissionDecision {
  AssociationRefusal refusal = AssociationRefusal::none;
  /// The association counts toward its calling AE's max_associations while it is open.
  bool counts_toward_caller = false;
};

/// Pure: decides one request. `open_for_caller` is how many associations counted for this
/// calling AE are open now. Any thread.
AdmissionDecision admit(const CallerPolicy& policy, std::string_view own_ae_title,
                        const AssociationRequest& request, unsigned open_for_caller);

/// Stable snake_case name, used as the `reason` label of the rejection counter.
std::string_view to_string(AssociationRefusal refusal) noexcept;

}  // namespace gw
