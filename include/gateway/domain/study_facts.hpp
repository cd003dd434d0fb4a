#pragma once
// What the gateway knows about one study when it routes it: plain values, no DCMTK.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gw {

/// The association an instance arrived on. Value type; safe to copy across threads.
struct AssociationInfo {
  std::string calling_ae;
  std::string called_ae;
  std::string peer_address;  // numeric IP address, no port
};

/// Attributes of a study, converted to UTF-8 with DICOM padding trimmed.
/// Keys are DICOM keywords ("StudyDescription") and, for every element, the tag
/// as eight upper-case hex digits ("00081030"), so rules may name either.
/// Multi-valued attributes keep one entry per value. Value type; immutable once routed.
struct StudyFacts {
  using Values = std::vector<std::string>;

  std::string study_instance_uid;
  AssociationInfo association;
  std::map<std::string, Values, std::less<>> attributes;

  /// The values of `key` (keyword, tag, or calling_ae/called_ae/peer_address), or nullptr.
  const Values* find(std::string_view key) const;
  /// The first value of `key`, or "" when absent.
  std::string first(std::string_view key) const;
  /// Sets `key` to `values`, replacing what was there.
  void set(std::string key, Values values);
  /// Sets `association`, and the keys rules name it by (calling_ae, called_ae, peer_address)
  /// to its values: every reader of a dataset adds them the same way.
  void set_association(const AssociationInfo& info);
};

/// Whether `key` (keyword or eight-digit tag) names an attribute of the Patient module or
/// another that identifies the patient: group 0010 and every keyword that starts with
/// Patient, OtherPatient or IssuerOfPatient. Never kept once a study is routed, never shown.
bool identifies_patient(std::string_view key);

/// `facts` without the attributes identifies_patient() names.
StudyFacts without_patient_identity(StudyFacts facts);

}  // namespace gw
