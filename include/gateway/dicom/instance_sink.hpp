#pragma once
// The border between the DICOM receiver and the rest of the gateway: what one C-STORE
// delivered, and what the gateway made of it. No DCMTK type crosses it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "gateway/domain/study_facts.hpp"

namespace gw::dicom {

/// One instance received in full, not yet acknowledged. Lives for one store() call.
struct ReceivedInstance {
  std::filesystem::path file;  // complete DICOM file in the incoming folder; the sink moves or deletes it
  std::string sop_class_uid;
  std::string sop_instance_uid;    // from the dataset, padding trimmed (not yet validated)
  std::string study_instance_uid;  // from the dataset, padding trimmed (not yet validated)
  std::string series_instance_uid;  // from the dataset, padding trimmed; may be empty
  std::string modality;             // from the dataset, padding trimmed; may be empty
  std::int64_t bytes = 0;
  AssociationInfo association;
  /// Reads the study's attributes (UTF-8) from the received dataset. Valid only during
  /// store(), and only before `file` is moved: DCMTK parses the file by that path, so after a
  /// rename only the UIDs and modality above are left. Costs a parse and a charset conversion
  /// of every attribute, so the intake calls it only for a study it does not know yet.
  std::function<StudyFacts()> read_facts;
};

/// How the gateway answers a C-STORE; the receiver maps each to a DIMSE status in one table.
enum class StoreStatus {
  stored,              // durable in the spool and known to the registry
  invalid_attribute,   // a required UID is missing or malformed
  unreadable_dataset,  // the dataset could not be parsed
  beyond_limits,       // refused before parsing: too deep, too many elements, lengths past the end
  out_of_resources,    // spool full or unwritable
  processing_failure,  // anything else (the registry failed, a bug)
};

struct StoreResult {
  StoreStatus status = StoreStatus::processing_failure;
  std::string comment;  // becomes the response's Error Comment (at most 64 characters)
};

/// Takes received instances. Called concurrently from every association's worker thread;
/// implementations must be thread-safe and must not throw.
class InstanceSink {
 public:
  virtual ~InstanceSink() = default;
  virtual StoreResult store(const ReceivedInstance& instance) noexcept = 0;
};

}  // namespace gw::dicom
