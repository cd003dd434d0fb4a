// StorageScp's Storage Commitment Push Model side (PS3.4 Annex J): the N-ACTION-RQ is recorded
// through the CommitmentSink and answered at once; the report then goes back on this
// association when the requester still holds it.
#include <dcmtk/dcmnet/assoc.h>

#include <memory>

#include "commitment_dataset.hpp"
#include "dataset_facts.hpp"
#include "gateway/log/log.hpp"
#include "storage_scp.hpp"

namespace gw::dicom {

OFCondition StorageScp::handle_commitment(T_DIMSE_N_ActionRQ& request,
                                          T_ASC_PresentationContextID context_id) {
  DcmDataset* raw = nullptr;
  Uint16 action_type = 0;
  OFCondition cond = receiveACTIONRequest(request, context_id, raw, action_type);
  const std::unique_ptr<DcmDataset> dataset(raw);  // ours once received
  if (cond.bad()) return cond;

  domain::CommitmentRefusal refusal = domain::CommitmentRefusal::processing_failure;
  domain::CommitmentRequest commitment;
  try {  // the border: nothing escapes into DCMTK
    commitment = commitment_from_dataset(dataset.get());
    commitment.requester_ae = association_.calling_ae;
    refusal = domain::check_commitment_request(action_type, trim_dicom(request.RequestedSOPInstanceUID),
                                               commitment);
    if (refusal == domain::CommitmentRefusal::none) refusal = commitments_->accept(commitment);
  } catch (const std::exception& e) {
    log::error("commitment_request_failed").kv("reason", e.what());
  }
  const Uint16 status = domain::commitment_action_status(refusal);
  if (refusal != domain::CommitmentRefusal::none) {
    log::warning("commitment_refused")
        .kv("calling_ae", association_.calling_ae)
        .kv("peer", association_.peer_address)
        .kv("transaction_uid", commitment.transaction_uid)
        .kv("reason", domain::to_string(refusal))
        .kv("status", static_cast<int>(status));
    metrics_.commitment_request(domain::to_string(refusal));
  }
  cond = sendACTIONResponse(context_id, request.MessageID, UID_StorageCommitmentPushModelSOPClass,
                            UID_StorageCommitmentPushModelSOPInstance, status);
  if (cond.bad() || refusal != domain::CommitmentRefusal::none) return cond;

  const std::optional<domain::CommitmentRequest> resolved =
      commitments_->claim_for_association(commitment.transaction_uid);
  if (!resolved) return EC_Normal;
  // A requester that released (or aborted) right after the answer has its PDU waiting: the
  // report then goes on a new association, and the loop reads the release.
  if (assoc_ == nullptr || ASC_dataWaiting(assoc_, 0)) {
    commitments_->reported_on_association(commitment.transaction_uid, false,
                                          "the requester released its association");
    return EC_Normal;
  }
  return report_on_association(*resolved, context_id);
}

OFCondition StorageScp::report_on_association(const domain::CommitmentRequest& resolved,
                                              T_ASC_PresentationContextID context_id) {
  DcmDataset information;
  fill_event_information(resolved, information);
  Uint16 status = 0xFFFF;
  const OFCondition cond = sendEVENTREPORTRequest(
      context_id, UID_StorageCommitmentPushModelSOPInstance, next_message_id_++,
      domain::commitment_event_type(resolved.items), &information, status);
  const bool delivered = cond.good() && status == 0x0000;
  std::string detail;
  if (cond.bad()) {
    detail = cond.text();
  } else if (!delivered) {
    detail = "N-EVENT-REPORT-RSP status " + std::to_string(status);
  }
  commitments_->reported_on_association(resolved.transaction_uid, delivered, detail);
  // A release or abort met while waiting for the answer ends the association as DCMTK's loop
  // expects; any other failure (a timeout) leaves it in no state to go on.
  return cond;
}

}  // namespace gw::dicom
