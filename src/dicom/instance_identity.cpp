#include "instance_identity.hpp"

#include <algorithm>
#include <array>

#include "dicom_text.hpp"

namespace gw::dicom {
namespace {

constexpr std::uint32_t kSopInstanceUid = 0x00080018;
constexpr std::uint32_t kModality = 0x00080060;
constexpr std::uint32_t kStudyInstanceUid = 0x0020000D;
constexpr std::uint32_t kSeriesInstanceUid = 0x0020000E;
constexpr std::array<std::uint32_t, 4> kTags{kSopInstanceUid, kModality, kStudyInstanceUid, kSeriesInstanceUid};

/// The first occurrence of `tag` in `kept`, or nullptr.
const std::string* find(const std::vector<std::pair<std::uint32_t, std::string>>& kept, std::uint32_t tag) {
  for (const auto& [t, value] : kept) {
    if (t == tag) return &value;
  }
  return nullptr;
}

/// DCMTK's value multiplicity of a string: 0 when empty, else one more than its backslashes.
std::size_t multiplicity(const std::string& value) {
  if (value.empty()) return 0;
  return 1 + static_cast<std::size_t>(std::count(value.begin(), value.end(), '\\'));
}

std::string first_value(const std::string* value) {
  if (value == nullptr) return {};
  return trim_dicom(value->substr(0, value->find('\\')));
}

}  // namespace

std::span<const std::uint32_t> identity_tags() { return kTags; }

InstanceIdentity identity_from(const std::vector<std::pair<std::uint32_t, std::string>>& kept) {
  InstanceIdentity identity;
  static const std::pair<std::uint32_t, const char*> kUids[] = {
      {kStudyInstanceUid, "StudyInstanceUID"},
      {kSeriesInstanceUid, "SeriesInstanceUID"},
      {kSopInstanceUid, "SOPInstanceUID"}};
  for (const auto& [tag, name] : kUids) {
    const std::string* value = find(kept, tag);
    if (value == nullptr) continue;
    if (const std::size_t vm = multiplicity(*value); vm > 1) {
      identity.ambiguity = std::string(name) + " has " + std::to_string(vm) + " values";
      break;
    }
  }
  identity.study_instance_uid = first_value(find(kept, kStudyInstanceUid));
  identity.series_instance_uid = first_value(find(kept, kSeriesInstanceUid));
  identity.sop_instance_uid = first_value(find(kept, kSopInstanceUid));
  identity.modality = first_value(find(kept, kModality));
  return identity;
}

StudyFacts InstanceIdentity::facts(const AssociationInfo& association) const {
  StudyFacts facts;
  const std::pair<const char*, const char*> keys[] = {{"StudyInstanceUID", "0020000D"},
                                                      {"SeriesInstanceUID", "0020000E"},
                                                      {"SOPInstanceUID", "00080018"},
                                                      {"Modality", "00080060"}};
  const std::string* values[] = {&study_instance_uid, &series_instance_uid, &sop_instance_uid, &modality};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    if (values[i]->empty()) continue;
    facts.set(keys[i].first, {*values[i]});
    facts.set(keys[i].second, {*values[i]});
  }
  facts.study_instance_uid = study_instance_uid;
  facts.set_association(association);
  return facts;
}

}  // namespace gw::dicom
