#include "storage_scp.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dctag.h>

#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <system_error>
#include <utility>

#include "dataset_facts.hpp"
#include "dataset_scanner.hpp"
#include "gateway/log/log.hpp"
#include "instance_identity.hpp"
#include "presentation_contexts.hpp"
#include "store_status_table.hpp"

namespace gw::dicom {
namespace {

/// Bytes an unprivileged writer may still use on the file system holding `dir`; max on error
/// (a failing statvfs must not refuse every instance).
std::uint64_t free_bytes(const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}

// Below this after a write, the write itself may have hit ENOSPC (DCMTK does not report it).
constexpr std::uint64_t kFullAfterWrite = 64 * 1024;

void remove_quietly(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::remove(file, ec);
}

/// DCMTK's dictionary, so that the scanner walks implicit-VR sequences as DCMTK will parse them.
TagKind dictionary_kind(std::uint32_t tag) {
  const DcmTag known(DcmTagKey(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFFu)));
  if (known.getEVR() == EVR_SQ) return TagKind::sequence;
  if (known.getEVR() == EVR_UNKNOWN || known.getEVR() == EVR_UN) return TagKind::unknown;
  return TagKind::other;
}

}  // namespace

StorageScp::StorageScp(InstanceSink& sink, metrics::GatewayMetrics& metrics,
                       std::filesystem::path incoming_dir, ReceiveLimits limits,
                       CommitmentSink* commitments)
    : sink_(sink), metrics_(metrics), incoming_dir_(std::move(incoming_dir)), limits_(limits), commitments_(commitments) {}

std::optional<StoreResult> StorageScp::check_limits(const std::filesystem::path& file,
                                                    ScanResult& scanned) const {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (!ec && size > limits_.max_dataset_bytes) {
    return StoreResult{StoreStatus::out_of_resources,
                       "dataset larger than " + std::to_string(limits_.max_dataset_bytes) + " bytes"};
  }
  ScanLimits scan_limits;
  scan_limits.max_nesting = limits_.max_nesting;
  scan_limits.max_elements = limits_.max_elements;
  scan_limits.max_inflated_bytes = limits_.max_dataset_bytes;
  scan_limits.dictionary = dictionary_kind;
  scan_limits.keep = identity_tags();
  scanned = scan_dicom_file(file, scan_limits);
  // The reason (tags, offsets, limits; never a value) is the Error Comment, cut to 64 characters.
  if (!scanned.ok) return StoreResult{StoreStatus::beyond_limits, scanned.reason};
  return std::nullopt;
}

std::filesystem::path StorageScp::next_temp_file() const {
  // Unique across workers and restarts: pid, a process-wide counter.
  static std::atomic<unsigned long long> counter{0};
  return incoming_dir_ / ("rx-" + std::to_string(::getpid()) + "-" +
                          std::to_string(counter.fetch_add(1)) + ".part");
}

void StorageScp::serve(T_ASC_Association* assoc) {
  params_ = assoc->params;
  assoc_ = assoc;
  run(assoc);
  assoc_ = nullptr;
  params_ = nullptr;
}

OFCondition StorageScp::negotiateAssociation() {
  if (!params_) return ASC_NULLKEY;
  static const PresentationPolicy defaults;
  return accept_storage_contexts(params_, presentation_ ? *presentation_ : defaults,
                                 commitments_ != nullptr);
}

void StorageScp::notifyAssociationRequest(const T_ASC_Parameters& params,
                                          DcmSCPActionType& desired_action) {
  association_.calling_ae = trim_dicom(params.DULparams.callingAPTitle);
  association_.called_ae = trim_dicom(params.DULparams.calledAPTitle);
  association_.peer_address = params.DULparams.callingPresentationAddress;
  // The presentation address is "host" or "host:port" depending on the DCMTK build.
  if (const auto colon = association_.peer_address.rfind(':');
      colon != std::string::npos && association_.peer_address.find(':') == colon) {
    association_.peer_address.resize(colon);
  }
  instances_ = 0;
  log::info("association_requested")
      .kv("calling_ae", association_.calling_ae)
      .kv("called_ae", association_.called_ae)
      .kv("peer", association_.peer_address);
  DcmThreadSCP::notifyAssociationRequest(params, desired_action);
}

void StorageScp::notifyAbortRequest() {
  log::warning("association_aborted_by_peer")
      .kv("calling_ae", association_.calling_ae)
      .kv("peer", association_.peer_address)
      .kv("instances", instances_);
}

void StorageScp::notifyRECEIVEProgress(unsigned long byteCount) {
  if (writeback_) writeback_->progress(byteCount);
}

void StorageScp::notifyDIMSEError(const OFCondition& cond) {
  // A wait that timed out is the idle or DIMSE limit, which the listener logs; anything else
  // is a message DCMTK could not take (a command without its required fields, a broken PDU),
  // after which it aborts the association.
  if (cond == DIMSE_NODATAAVAILABLE) return;
  log::warning("association_aborted")
      .kv("calling_ae", association_.calling_ae)
      .kv("peer", association_.peer_address)
      .kv("reason", "dimse_error")
      .kv("detail", cond.text())
      .kv("instances", instances_);
  metrics_.association_rejected("dimse_error");
}

void StorageScp::notifyAssociationTermination() {
  log::info("association_closed")
      .kv("calling_ae", association_.calling_ae)
      .kv("peer", association_.peer_address)
      .kv("instances", instances_);
}

OFCondition StorageScp::handleIncomingCommand(T_DIMSE_Message* message,
                                              const DcmPresentationContextInfo& context) {
  if (message->CommandField == DIMSE_C_STORE_RQ) {
    return handle_store(message->msg.CStoreRQ, context.presentationContextID);
  }
  if (message->CommandField == DIMSE_N_ACTION_RQ && commitments_ != nullptr) {
    return handle_commitment(message->msg.NActionRQ, context.presentationContextID);
  }
  // C-ECHO and the refusal of anything else stay DCMTK's.
  return DcmThreadSCP::handleIncomingCommand(message, context);
}

OFCondition StorageScp::handle_store(T_DIMSE_C_StoreRQ& request,
                                     T_ASC_PresentationContextID context_id) {
  const auto started = std::chrono::steady_clock::now();  // dicom_gateway_cstore_duration_seconds
  OFCondition network_status = EC_Normal;
  StoreResult result;
  try {
    result = receive_and_store(request, context_id, network_status);
  } catch (const std::exception& e) {  // the border: nothing escapes into DCMTK
    result = {StoreStatus::processing_failure, "internal error"};
    log::error("store_failed").kv("reason", e.what());
  } catch (...) {
    result = {StoreStatus::processing_failure, "internal error"};
    log::error("store_failed").kv("reason", "unknown exception");
  }
  // The dataset never arrived whole: the association is broken, nothing to answer.
  if (network_status.bad()) return network_status;

  DcmDataset detail;
  if (result.status != StoreStatus::stored && !result.comment.empty()) {
    detail.putAndInsertString(DCM_ErrorComment, result.comment.substr(0, 64).c_str());
  }
  const bool with_detail = result.status != StoreStatus::stored && !result.comment.empty();
  if (result.status != StoreStatus::stored) metrics_.store_failed(dimse_status(result.status));
  const OFCondition sent = sendSTOREResponse(context_id, request.MessageID, request.AffectedSOPClassUID,
                                             request.AffectedSOPInstanceUID, dimse_status(result.status),
                                             with_detail ? &detail : nullptr);
  metrics_.cstore_finished(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return sent;
}

StoreResult StorageScp::receive_and_store(T_DIMSE_C_StoreRQ& request,
                                          T_ASC_PresentationContextID context_id,
                                          OFCondition& network_status) {
  // A spool below its reserve refuses before writing: DCMTK ignores write errors, so a dataset
  // streamed onto a full disk would be cut short without anyone knowing. The dataset is still
  // read off the association (into /dev/null), which then goes on; C-ECHO is unaffected.
  const bool spool_full = free_bytes(incoming_dir_) < limits_.min_free_bytes;
  const std::filesystem::path temp = spool_full ? std::filesystem::path("/dev/null") : next_temp_file();
  if (!spool_full) writeback_.emplace(temp);
  network_status = receiveSTORERequest(request, context_id, OFString(temp.c_str()));
  writeback_.reset();
  if (network_status.bad()) {
    if (!spool_full) remove_quietly(temp);
    log::warning("store_interrupted")
        .kv("calling_ae", association_.calling_ae)
        .kv("reason", network_status.text());
    return {StoreStatus::processing_failure, "dataset not received"};
  }
  if (spool_full || free_bytes(incoming_dir_) < kFullAfterWrite) {
    if (!spool_full) remove_quietly(temp);
    log::error("spool_full")
        .kv("calling_ae", association_.calling_ae)
        .kv("free_bytes", free_bytes(incoming_dir_))
        .kv("reserve_bytes", limits_.min_free_bytes);
    return {StoreStatus::out_of_resources, "spool full"};
  }

  // Hostile input stops here: DCMTK's parser recurses per nesting level and trusts lengths.
  ScanResult scanned;
  if (auto refused = check_limits(temp, scanned)) {
    remove_quietly(temp);
    log::warning("store_refused")
        .kv("calling_ae", association_.calling_ae)
        .kv("peer", association_.peer_address)
        .kv("status", static_cast<int>(dimse_status(refused->status)))
        .kv("reason", refused->comment);
    return *refused;
  }

  return deliver(temp, request, identity_from(scanned.kept));
}

StoreResult StorageScp::deliver(const std::filesystem::path& temp, const T_DIMSE_C_StoreRQ& request,
                                const InstanceIdentity& identity) {
  if (!identity.ambiguity.empty()) {
    remove_quietly(temp);
    log::warning("instance_refused")
        .kv("calling_ae", association_.calling_ae)
        .kv("peer", association_.peer_address)
        .kv("status", static_cast<int>(dimse_status(StoreStatus::invalid_attribute)))
        .kv("reason", identity.ambiguity);
    return {StoreStatus::invalid_attribute, identity.ambiguity};
  }

  ReceivedInstance instance;
  instance.file = temp;
  instance.sop_class_uid = trim_dicom(request.AffectedSOPClassUID);
  instance.sop_instance_uid = identity.sop_instance_uid;
  instance.study_instance_uid = identity.study_instance_uid;
  instance.series_instance_uid = identity.series_instance_uid;
  instance.modality = identity.modality;
  std::error_code ec;
  instance.bytes = static_cast<std::int64_t>(std::filesystem::file_size(temp, ec));
  instance.association = association_;
  // DCMTK parses the file only when the intake asks (a study it does not know yet).
  instance.read_facts = [this, &temp, &identity] { return read_facts(temp, identity); };

  const std::string command_sop = trim_dicom(request.AffectedSOPInstanceUID);
  StoreResult result;
  if (!command_sop.empty() && command_sop != instance.sop_instance_uid) {
    result = {StoreStatus::invalid_attribute, "SOPInstanceUID differs from the command"};
  } else {
    result = sink_.store(instance);
  }
  account(result, instance);
  return result;
}

void StorageScp::account(const StoreResult& result, const ReceivedInstance& instance) {
  if (result.status != StoreStatus::stored) {
    remove_quietly(instance.file);  // the sink leaves refused files where they were
    log::warning("store_refused")
        .kv("calling_ae", association_.calling_ae)
        .kv("peer", association_.peer_address)
        .kv("status", static_cast<int>(dimse_status(result.status)))
        .kv("reason", result.comment);
    return;
  }
  ++instances_;
  metrics_.instance_received(association_.calling_ae, static_cast<std::uint64_t>(instance.bytes));
}

StudyFacts StorageScp::read_facts(const std::filesystem::path& file,
                                  const InstanceIdentity& identity) const {
  DcmFileFormat format;
  // Values over 4 KiB (pixel data) are left on disk, reloaded by this path when read, which is
  // why the facts must be read before the sink renames the file.
  const OFCondition parsed = format.loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, 4096,
                                                     ERM_autoDetect, DCM_PixelData);
  if (parsed.bad()) {
    // The scanner found the structure sound, so the instance is kept as it came; the study is
    // routed on its UIDs, modality and association, which the scanner read.
    log::warning("facts_unreadable")
        .kv("study_uid", identity.study_instance_uid)
        .kv("calling_ae", association_.calling_ae)
        .kv("detail", parsed.text());
    return identity.facts(association_);
  }
  std::string problem;
  StudyFacts facts = facts_from_dataset(*format.getDataset(), association_, &problem);
  if (!problem.empty()) {
    log::warning("charset_not_converted")
        .kv("study_uid", facts.study_instance_uid)
        .kv("reason", problem);
  }
  return facts;
}

}  // namespace gw::dicom
