#pragma once
// Storage Commitment Push Model (PS3.4 Annex J) as plain values: what a requester asked, what
// the gateway answers for each instance, and the rules that decide both. No DCMTK here; the
// DICOM adapter converts datasets to and from these types (src/dicom/commitment_dataset.cpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/study_lifecycle.hpp"  // TimestampMs

namespace gw::domain {

/// The SOP class and its well-known SOP instance (PS3.4 J.3.1, J.3.5).
inline constexpr std::string_view kStorageCommitmentSopClass = "1.2.840.10008.1.20.1";
inline constexpr std::string_view kStorageCommitmentSopInstance = "1.2.840.10008.1.20.1.1";

/// Why one instance is not committed: the Failure Reason (0008,1197) of the Failed SOP Sequence
/// (PS3.4 J.3.3.1.1). `none`: committed.
enum class CommitFailure : std::uint16_t {
  none = 0x0000,
  processing_failure = 0x0110,       // the gateway cannot say (its database failed)
  no_such_object_instance = 0x0112,  // never received, forgotten, or no longer spooled
  class_instance_conflict = 0x0119,  // received, but under another SOP Class UID
};

/// One instance named by a request, and (once resolved) its fate. Value type.
struct CommitmentItem {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  CommitFailure failure = CommitFailure::none;
};

/// One N-ACTION-RQ (Action Type 1) as the gateway records it. Value type.
struct CommitmentRequest {
  std::string transaction_uid;
  std::string requester_ae;  // the calling AE title: where the report goes (dicom.peers)
  std::vector<CommitmentItem> items;
};

/// Where a requester listens for reports that cannot go back on its own association
/// (dicom.peers). Value type.
struct DicomPeer {
  std::string ae_title;
  std::string host;
  std::uint16_t port = 104;
  bool tls = false;  // report over DICOM TLS with the gateway's dicom.tls certificate
};

/// The first peer with `ae_title`, or nullptr.
const DicomPeer* find_peer(const std::vector<DicomPeer>& peers, std::string_view ae_title);

/// How the gateway answers an N-ACTION-RQ; each maps to one DIMSE status in
/// commitment_action_status() (the one table).
enum class CommitmentRefusal {
  none,               // accepted: recorded, answered 0x0000
  unknown_requester,  // no dicom.peers entry for the calling AE: 0x0124 Not authorized
  no_such_action,     // Action Type other than 1: 0x0123
  invalid_instance,   // Requested SOP Instance is not the well-known one: 0x0117
  missing_attribute,  // no Transaction UID or no Referenced SOP Sequence: 0x0120
  invalid_argument,   // a UID that is not a UID, an empty item: 0x0115
  processing_failure, // the registry could not record it: 0x0110
};

/// The DIMSE status of the N-ACTION-RSP for `refusal` (PS3.7 Annex C general statuses).
std::uint16_t commitment_action_status(CommitmentRefusal refusal) noexcept;
std::string_view to_string(CommitmentRefusal refusal) noexcept;

/// Checks the request's form (not its requester): Action Type, the well-known instance, a valid
/// Transaction UID and at least one item, each with two valid UIDs.
CommitmentRefusal check_commitment_request(std::uint16_t action_type,
                                           std::string_view requested_instance,
                                           const CommitmentRequest& request);

/// What the registry holds under one SOP Instance UID (one entry per study holding it).
struct StoredInstance {
  std::string sop_class_uid;  // empty for an instance recorded before the column existed
  bool spooled = true;        // false: its study's files were removed (storage.retention)
};

/// The fate of `item` given every stored copy of its SOP Instance UID: committed when a copy
/// is still spooled under the same SOP class (or under an unknown one, recorded by an older
/// gateway); 0x0119 when every spooled copy has another class; 0x0112 when none is spooled.
CommitFailure judge_item(const CommitmentItem& item, const std::vector<StoredInstance>& stored);

/// Event Type of the N-EVENT-REPORT: 1 when every item is committed, 2 otherwise.
std::uint16_t commitment_event_type(const std::vector<CommitmentItem>& items) noexcept;

/// Where a recorded commitment stands. Stored by name in the state database: never rename.
enum class CommitmentState {
  pending,    // recorded, not yet resolved
  resolved,   // every item's fate is written; the report is not yet delivered
  reported,   // the requester acknowledged the N-EVENT-REPORT
  abandoned,  // the report could not be delivered before give_up_after
};
std::string_view to_string(CommitmentState state) noexcept;
CommitmentState commitment_state_from(std::string_view name) noexcept;  // unknown: pending

/// One recorded commitment as the registry returns it. Value type.
struct CommitmentRecord {
  CommitmentRequest request;
  CommitmentState state = CommitmentState::pending;
  int attempts = 0;  // report deliveries tried
  TimestampMs received = 0;
  TimestampMs next_attempt = 0;
  TimestampMs updated = 0;
  std::string last_error;
};

}  // namespace gw::domain
