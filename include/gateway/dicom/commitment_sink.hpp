#pragma once
// The border between the DICOM receiver and the gateway's Storage Commitment service: requests
// in, reports out, as domain values. No DCMTK type crosses it.
#include <optional>
#include <string>

#include "gateway/domain/storage_commitment.hpp"

namespace gw::dicom {

/// Takes N-ACTION-RQs (Storage Commitment, Action Type 1) from association workers. Called
/// concurrently from every worker thread; implementations are thread-safe and never throw.
class CommitmentSink {
 public:
  virtual ~CommitmentSink() = default;
  /// Records `request` durably (none) or says why not; the worker answers with the status of
  /// domain::commitment_action_status(). Only a recorded request is ever answered 0x0000.
  virtual domain::CommitmentRefusal accept(const domain::CommitmentRequest& request) noexcept = 0;
  /// Right after a success answer, on the requester's own association: claims the commitment
  /// for that association, resolves it, and returns it with each item's fate; nullopt when the
  /// background reporter holds it or it cannot be resolved now (the reporter will).
  virtual std::optional<domain::CommitmentRequest> claim_for_association(
      const std::string& transaction_uid) noexcept = 0;
  /// How that claim ended: acknowledged by the requester, or not (the reporter then opens an
  /// association to the requester's dicom.peers address). Releases the claim.
  virtual void reported_on_association(const std::string& transaction_uid, bool delivered,
                                       const std::string& detail) noexcept = 0;
};

}  // namespace gw::dicom
