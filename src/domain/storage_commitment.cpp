#include "gateway/domain/storage_commitment.hpp"

#include <algorithm>

#include "gateway/domain/uid.hpp"

namespace gw::domain {

const DicomPeer* find_peer(const std::vector<DicomPeer>& peers, std::string_view ae_title) {
  const auto it = std::find_if(peers.begin(), peers.end(),
                               [&](const DicomPeer& p) { return p.ae_title == ae_title; });
  return it == peers.end() ? nullptr : &*it;
}

std::uint16_t commitment_action_status(CommitmentRefusal refusal) noexcept {
  switch (refusal) {
    case CommitmentRefusal::none: return 0x0000;                // Success
    case CommitmentRefusal::unknown_requester: return 0x0124;   // Refused: Not authorized
    case CommitmentRefusal::no_such_action: return 0x0123;      // No such action
    case CommitmentRefusal::invalid_instance: return 0x0117;    // Invalid SOP instance
    case CommitmentRefusal::missing_attribute: return 0x0120;   // Missing attribute
    case CommitmentRefusal::invalid_argument: return 0x0115;    // Invalid argument value
    case CommitmentRefusal::processing_failure: return 0x0110;  // Processing failure
  }
  return 0x0110;
}

std::string_view to_string(CommitmentRefusal refusal) noexcept {
  switch (refusal) {
    case CommitmentRefusal::none: return "accepted";
    case CommitmentRefusal::unknown_requester: return "unknown_requester";
    case CommitmentRefusal::no_such_action: return "no_such_action";
    case CommitmentRefusal::invalid_instance: return "invalid_instance";
    case CommitmentRefusal::missing_attribute: return "missing_attribute";
    case CommitmentRefusal::invalid_argument: return "invalid_argument";
    case CommitmentRefusal::processing_failure: return "processing_failure";
  }
  return "processing_failure";
}

CommitmentRefusal check_commitment_request(std::uint16_t action_type,
                                           std::string_view requested_instance,
                                           const CommitmentRequest& request) {
  if (action_type != 1) return CommitmentRefusal::no_such_action;
  if (requested_instance != kStorageCommitmentSopInstance) return CommitmentRefusal::invalid_instance;
  if (request.transaction_uid.empty() || request.items.empty()) {
    return CommitmentRefusal::missing_attribute;
  }
  if (!is_valid_uid(request.transaction_uid)) return CommitmentRefusal::invalid_argument;
  for (const auto& item : request.items) {
    if (!is_valid_uid(item.sop_class_uid) || !is_valid_uid(item.sop_instance_uid)) {
      return CommitmentRefusal::invalid_argument;
    }
  }
  return CommitmentRefusal::none;
}

CommitFailure judge_item(const CommitmentItem& item, const std::vector<StoredInstance>& stored) {
  bool spooled = false;
  for (const auto& copy : stored) {
    if (!copy.spooled) continue;
    spooled = true;
    if (copy.sop_class_uid.empty() || copy.sop_class_uid == item.sop_class_uid) {
      return CommitFailure::none;
    }
  }
  return spooled ? CommitFailure::class_instance_conflict : CommitFailure::no_such_object_instance;
}

std::uint16_t commitment_event_type(const std::vector<CommitmentItem>& items) noexcept {
  for (const auto& item : items) {
    if (item.failure != CommitFailure::none) return 2;
  }
  return 1;
}

std::string_view to_string(CommitmentState state) noexcept {
  switch (state) {
    case CommitmentState::pending: return "pending";
    case CommitmentState::resolved: return "resolved";
    case CommitmentState::reported: return "reported";
    case CommitmentState::abandoned: return "abandoned";
  }
  return "pending";
}

CommitmentState commitment_state_from(std::string_view name) noexcept {
  if (name == "resolved") return CommitmentState::resolved;
  if (name == "reported") return CommitmentState::reported;
  if (name == "abandoned") return CommitmentState::abandoned;
  return CommitmentState::pending;
}

}  // namespace gw::domain
