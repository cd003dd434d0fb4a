#pragma once
// The attributes that file a received instance (its three UIDs and modality), read from the
// values the hostile-input scanner kept on its walk: no second parse of every instance (#21).
// No DCMTK header: table-tested on its own.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gateway/domain/study_facts.hpp"

namespace gw::dicom {

struct InstanceIdentity {
  std::string study_instance_uid;   // padding trimmed (not yet validated); empty when absent
  std::string series_instance_uid;  // padding trimmed; may be empty
  std::string sop_instance_uid;     // padding trimmed (not yet validated); empty when absent
  std::string modality;             // the first value, padding trimmed; may be empty
  /// "StudyInstanceUID has 2 values" when a UID that names the instance holds more than one
  /// value, "" otherwise. Such a UID cannot be a spool path or a registry key; taking its first
  /// value would file the instance under a study or series its sender never named.
  std::string ambiguity;

  /// The facts routing can still use when the dataset cannot be parsed as a whole: these
  /// attributes (by keyword and by tag) and the association's.
  StudyFacts facts(const AssociationInfo& association) const;
};

/// The tags the scanner is asked to keep (ScanLimits::keep) for identity_from.
std::span<const std::uint32_t> identity_tags();

/// Reads `kept` (tag, value as stored) the way DCMTK reads a string element: values are
/// separated by backslashes; leading and trailing spaces and NULs are not part of a value.
InstanceIdentity identity_from(const std::vector<std::pair<std::uint32_t, std::string>>& kept);

}  // namespace gw::dicom
