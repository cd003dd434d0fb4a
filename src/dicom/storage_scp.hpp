#pragma once
// One association worker: DCMTK's DcmThreadSCP with the C-STORE path replaced, so that
// each dataset streams to a file and is answered only once the sink made it durable.
#include <dcmtk/dcmnet/scpthrd.h>

#include <filesystem>
#include <optional>

#include "dataset_scanner.hpp"
#include "gateway/dicom/commitment_sink.hpp"
#include "gateway/dicom/instance_sink.hpp"
#include "gateway/dicom/receive_limits.hpp"
#include "gateway/domain/presentation_policy.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/storage/early_writeback.hpp"
#include "instance_identity.hpp"

namespace gw::dicom {

/// Serves one association at a time on the thread that calls run(). Reused for many
/// associations by its worker thread; the sink and the metrics must outlive it.
class StorageScp : public DcmThreadSCP {
 public:
  /// `commitments` (borrowed, may be null: Storage Commitment is then not negotiated) must
  /// outlive it too.
  StorageScp(InstanceSink& sink, metrics::GatewayMetrics& metrics,
             std::filesystem::path incoming_dir, ReceiveLimits limits = {},
             CommitmentSink* commitments = nullptr);

  /// Serves `assoc` to its end, then drops and destroys it. Called by the worker thread.
  void serve(T_ASC_Association* assoc);
  /// The SOP classes and transfer syntaxes to negotiate; `policy` must outlive serve().
  /// Unset: the defaults of PresentationPolicy.
  void set_presentation(const PresentationPolicy& policy) { presentation_ = &policy; }

 protected:
  OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                    const DcmPresentationContextInfo& context) override;
  void notifyAssociationRequest(const T_ASC_Parameters& params,
                                DcmSCPActionType& desired_action) override;
  void notifyAssociationTermination() override;
  void notifyAbortRequest() override;
  void notifyDIMSEError(const OFCondition& cond) override;
  /// Called by DCMTK after each PDV of a dataset reaches the file: starts its disk writes.
  void notifyRECEIVEProgress(unsigned long byteCount) override;
  OFCondition negotiateAssociation() override;

 private:
  OFCondition handle_store(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID context_id);
  /// Storage Commitment (storage_commitment_scp.cpp): records the N-ACTION-RQ through the sink,
  /// answers it, then reports on this association when the requester still holds it.
  OFCondition handle_commitment(T_DIMSE_N_ActionRQ& request, T_ASC_PresentationContextID context_id);
  /// The N-EVENT-REPORT-RQ for `resolved` on this association; the condition DCMTK returned.
  OFCondition report_on_association(const domain::CommitmentRequest& resolved,
                                    T_ASC_PresentationContextID context_id);
  /// Receives the dataset into a temporary file, hands it to the sink, and says how to answer.
  StoreResult receive_and_store(T_DIMSE_C_StoreRQ& request, T_ASC_PresentationContextID context_id,
                                OFCondition& network_status);
  /// Refuses an instance whose UIDs are ambiguous, or hands it to the sink, which may read its
  /// facts while the file is still at `file`. Removes a refused file.
  StoreResult deliver(const std::filesystem::path& file, const T_DIMSE_C_StoreRQ& request,
                      const InstanceIdentity& identity);
  /// After the sink answered: removes a refused file and logs it, or counts a stored one.
  void account(const StoreResult& result, const ReceivedInstance& instance);
  /// The study facts of the received file, parsed by DCMTK and converted to UTF-8; when DCMTK
  /// cannot parse it, what `identity` holds.
  StudyFacts read_facts(const std::filesystem::path& file, const InstanceIdentity& identity) const;
  std::filesystem::path next_temp_file() const;
  /// Size and structure bounds on the received file, before DCMTK parses it (#8); nullopt
  /// when it may be parsed. Removes nothing. The comment carries no patient data.
  /// `scanned` receives the walk's result, with the values identity_tags() asks for.
  std::optional<StoreResult> check_limits(const std::filesystem::path& file, ScanResult& scanned) const;

  InstanceSink& sink_;
  metrics::GatewayMetrics& metrics_;
  std::filesystem::path incoming_dir_;
  ReceiveLimits limits_;
  const PresentationPolicy* presentation_ = nullptr;  // borrowed; null: the defaults
  CommitmentSink* commitments_ = nullptr;             // borrowed; null: no Storage Commitment
  T_ASC_Association* assoc_ = nullptr;  // the association being served
  T_ASC_Parameters* params_ = nullptr;  // of the association being served
  Uint16 next_message_id_ = 1;          // of the requests this SCP sends (N-EVENT-REPORT)
  AssociationInfo association_;
  unsigned instances_ = 0;
  std::optional<storage::EarlyWriteback> writeback_;  // of the dataset being received
};

}  // namespace gw::dicom
